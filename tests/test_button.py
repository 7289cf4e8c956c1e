"""The button platform: each library's buttons and the maintenance tasks' Run buttons."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.const import Platform
import pytest

if TYPE_CHECKING:
    from tests.helpers import SnapshotEntities


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("platforms", [[Platform.BUTTON]], ids=["button"])
async def test_entities(snapshot_entities: SnapshotEntities) -> None:
    """Every button, the disabled-by-default ones included: registry entry and state."""
    await snapshot_entities()
