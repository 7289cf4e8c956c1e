"""Entities of a library: each library is a device of its own, under the server's.

Libraries follow the server: when one appears its entities are added, when one goes
its device (and with it its entities) is removed, without reloading the entry. A
library that disappeared while Home Assistant was not running is removed at setup, or
once the server lists its libraries: while it cannot, every library's entities stay.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Final, override

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo

from .const import DOMAIN
from .entity import PlexActivitiesEntity, server_device_info

if TYPE_CHECKING:
    from homeassistant.helpers.entity import Entity
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .api import LibrarySection
    from .coordinator import PlexActivitiesConfigEntry, PlexActivitiesCoordinator

LIBRARY_KEY_PREFIX: Final = "library_"

type LibraryEntityFactory = Callable[
    [PlexActivitiesCoordinator, LibrarySection], Entity
]


def library_device_identifier(machine_identifier: str, section_id: str) -> str:
    """Return the device identifier of a library."""
    return f"{machine_identifier}_{LIBRARY_KEY_PREFIX}{section_id}"


class PlexLibraryEntity(PlexActivitiesEntity):
    """An entity of one library, on the library's device."""

    def __init__(
        self, coordinator: PlexActivitiesCoordinator, library: LibrarySection, key: str
    ) -> None:
        """Attach the entity to the library's device, under the server's device."""
        super().__init__(coordinator, f"{LIBRARY_KEY_PREFIX}{library.key}_{key}")
        self.section_id = library.key
        server = coordinator.server
        server_device = dr.async_get(coordinator.hass).async_get_or_create(
            config_entry_id=coordinator.config_entry.entry_id,
            **server_device_info(coordinator),
        )
        self._attr_device_info = DeviceInfo(
            identifiers={
                (
                    DOMAIN,
                    library_device_identifier(server.machine_identifier, library.key),
                )
            },
            name=f"{server.friendly_name} {library.title}",
            manufacturer="Plex",
            model="Plex library",
            model_id=library.type or None,
            via_device_id=server_device.id,
            entry_type=DeviceEntryType.SERVICE,
        )
        self._written: tuple[object, bool] | None = None

    def _shown(self) -> object:
        """Return what the state shows, to tell whether a write would change it."""
        return None

    @callback
    def _write_if_changed(self) -> None:
        """Write the state, unless it would show the same as last written."""
        if (self._shown(), self.available) != self._written:
            self.async_write_ha_state()

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        """Write at a resync only what changed (the server's availability, say)."""
        self._write_if_changed()

    @override
    def _async_write_ha_state(self) -> None:
        self._written = (self._shown(), self.available)
        super()._async_write_ha_state()

    @property
    def library(self) -> LibrarySection | None:
        """Return the library as the server last listed it."""
        return self.coordinator.libraries.get(self.section_id)

    @property
    @override
    def available(self) -> bool:
        """Return whether the server can be reached and still has the library."""
        return super().available and self.library is not None


@callback
def async_setup_library_entities(
    hass: HomeAssistant,
    entry: PlexActivitiesConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    *builders: LibraryEntityFactory,
) -> None:
    """Add an entity of each of `builders` per library, now and as libraries appear."""
    coordinator = entry.runtime_data
    added: set[str] = set()

    @callback
    def libraries_changed() -> None:
        libraries = coordinator.libraries
        async_remove_stale_libraries(hass, entry)
        added.intersection_update(libraries)
        if new := [section for key, section in libraries.items() if key not in added]:
            added.update(section.key for section in new)
            async_add_entities(
                [build(coordinator, section) for section in new for build in builders]
            )

    libraries_changed()
    entry.async_on_unload(coordinator.async_add_library_listener(libraries_changed))


@callback
def async_remove_stale_libraries(
    hass: HomeAssistant, entry: PlexActivitiesConfigEntry
) -> None:
    """Remove the devices (and so the entities) of libraries the server no longer has."""
    coordinator = entry.runtime_data
    if not coordinator.libraries_listed:
        return  # not listed yet (a busy server): no library is known to be gone
    machine_identifier = coordinator.server.machine_identifier
    current = {
        library_device_identifier(machine_identifier, key)
        for key in coordinator.libraries
    }
    prefix = library_device_identifier(machine_identifier, "")
    registry = dr.async_get(hass)
    for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
        if any(
            domain == DOMAIN and key.startswith(prefix) and key not in current
            for domain, key in device.identifiers
        ):
            # Only this entry makes a library's device: removing it is removing the
            # entry from it (which Home Assistant 2026.10 reports as deprecated).
            registry.async_remove_device(device.id)
