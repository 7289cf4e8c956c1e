"""The base entity: everything belongs to the Plex server's device."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .activity_id import entity_unique_id
from .const import DOMAIN
from .coordinator import PlexActivitiesCoordinator


def server_device_info(coordinator: PlexActivitiesCoordinator) -> DeviceInfo:
    """Return the device of the Plex server."""
    server = coordinator.server
    return DeviceInfo(
        identifiers={(DOMAIN, server.machine_identifier)},
        name=server.friendly_name,
        manufacturer="Plex",
        model="Plex Media Server",
        model_id=server.platform or None,
        sw_version=server.version or None,
        configuration_url=f"{coordinator.client.url}/web",
        entry_type=DeviceEntryType.SERVICE,
    )


class PlexActivitiesEntity(CoordinatorEntity[PlexActivitiesCoordinator]):
    """An entity of one Plex server; unavailable while the server is unreachable.

    Availability is the coordinator's: its last refresh failed while Plex is down.
    """

    _attr_has_entity_name = True

    def __init__(self, coordinator: PlexActivitiesCoordinator, key: str) -> None:
        """Attach the entity to the server's device."""
        super().__init__(coordinator)
        server = coordinator.server
        self._attr_unique_id = entity_unique_id(server.machine_identifier, key)
        self._attr_device_info = server_device_info(coordinator)
