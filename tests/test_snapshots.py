"""A snapshot of the server's device; each platform's entities: test_<platform>.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from syrupy.filters import props

from custom_components.plex_activities.const import DOMAIN
from tests.const import MACHINE_IDENTIFIER

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers import device_registry as dr
    from pytest_homeassistant_custom_component.common import MockConfigEntry
    from syrupy.assertion import SnapshotAssertion

    from plex_simulator import PlexSimulator


async def test_device(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
    device_registry: dr.DeviceRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """One service device per server, linking to its web app."""
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, MACHINE_IDENTIFIER), init_integration.entry_id
    )
    assert device is not None
    # The simulator's port changes with every run.
    assert device == snapshot(exclude=props("configuration_url"))
    assert device.configuration_url == f"{simulator.url}/web"
