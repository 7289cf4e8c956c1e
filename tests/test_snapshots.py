"""Snapshots of every entity: registry entries, states and the device."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.helpers import device_registry as dr, entity_registry as er
from syrupy.filters import props

from custom_components.plex_activities.const import DOMAIN
from tests.const import MACHINE_IDENTIFIER
from tests.helpers import settle

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry
    from syrupy.assertion import SnapshotAssertion

    from plex_simulator import PlexSimulator


async def test_entities(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Each entity's registry entry and state, with one activity of each kind."""
    simulator.start_activity(
        uuid="00000000-0000-4000-8000-000000000001",
        title="Scanning Movies",
        subtitle="Alien",
        progress=40,
        cancellable=True,
        context={"librarySectionID": "1"},
    )
    simulator.start_activity(
        uuid="00000000-0000-4000-8000-000000000002",
        type="butler",
        title="Optimize database",
        progress=-1,
    )
    await settle(hass, simulator)
    # The library and maintenance-task entities have tests of their own.
    entries = [
        entry
        for entry in er.async_entries_for_config_entry(
            entity_registry, init_integration.entry_id
        )
        if "_library_" not in entry.unique_id and "_butler_" not in entry.unique_id
    ]
    assert len(entries) == 4
    for entry in sorted(entries, key=lambda e: e.entity_id):
        assert entry == snapshot(name=f"{entry.entity_id}-entry")
        state = hass.states.get(entry.entity_id)
        # An event entity's state is the time of its last event.
        volatile = (
            ("started_at", "state") if entry.domain == "event" else ("started_at",)
        )
        assert state == snapshot(
            name=f"{entry.entity_id}-state", exclude=props(*volatile)
        )


async def test_device(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
    device_registry: dr.DeviceRegistry,
) -> None:
    """One service device per server, linking to its web app."""
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, MACHINE_IDENTIFIER), init_integration.entry_id
    )
    assert device is not None
    assert device.name == "Plex Simulator"
    assert device.manufacturer == "Plex"
    assert device.model == "Plex Media Server"
    assert device.model_id == "Linux"
    assert device.sw_version == "1.43.0.10000-simulated"
    assert device.configuration_url == f"{simulator.url}/web"
    assert device.entry_type is dr.DeviceEntryType.SERVICE
