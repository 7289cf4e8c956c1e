"""The binary sensor platform: each library's Scanning."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.const import Platform
import pytest

from tests.helpers import settle

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from plex_simulator import PlexSimulator
    from tests.helpers import SnapshotEntities


@pytest.mark.parametrize("platforms", [[Platform.BINARY_SENSOR]], ids=["binary_sensor"])
async def test_entities(
    hass: HomeAssistant,
    simulator: PlexSimulator,
    snapshot_entities: SnapshotEntities,
) -> None:
    """Scanning of each library: on for the library a scan works on, off for the rest."""
    simulator.start_activity(
        uuid="00000000-0000-4000-8000-000000000001",
        title="Scanning Movies",
        context={"librarySectionID": "1"},
    )
    await settle(hass, simulator)
    await snapshot_entities()
