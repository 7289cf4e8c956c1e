"""The binary sensor platform: each library's Scanning."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.const import Platform
import pytest
from pytest_homeassistant_custom_component.common import snapshot_platform

from tests.helpers import settle

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers import entity_registry as er
    from pytest_homeassistant_custom_component.common import MockConfigEntry
    from syrupy.assertion import SnapshotAssertion

    from plex_simulator import PlexSimulator


@pytest.mark.parametrize("platforms", [[Platform.BINARY_SENSOR]], ids=["binary_sensor"])
async def test_entities(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Scanning of each library: on for the library a scan works on, off for the rest."""
    simulator.start_activity(
        uuid="00000000-0000-4000-8000-000000000001",
        title="Scanning Movies",
        context={"librarySectionID": "1"},
    )
    await settle(hass, simulator)
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)
