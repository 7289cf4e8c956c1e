"""The button platform: each library's buttons and the maintenance tasks' Run buttons."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.const import Platform
import pytest
from pytest_homeassistant_custom_component.common import snapshot_platform

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers import entity_registry as er
    from pytest_homeassistant_custom_component.common import MockConfigEntry
    from syrupy.assertion import SnapshotAssertion


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("platforms", [[Platform.BUTTON]], ids=["button"])
async def test_entities(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Every button, the disabled-by-default ones included: registry entry and state."""
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)
