"""The Last scan sensor of each library (the sensor platform adds it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, override

from homeassistant.components.sensor import SensorDeviceClass, SensorEntity
from homeassistant.core import HomeAssistant, callback

from .library_entity import PlexLibraryEntity, async_setup_library_entities
from .scans import scan_index

if TYPE_CHECKING:
    from datetime import datetime

    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .api import LibrarySection
    from .coordinator import PlexActivitiesConfigEntry, PlexActivitiesCoordinator


@callback
def async_setup_library_sensors(
    hass: HomeAssistant,
    entry: PlexActivitiesConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a Last scan sensor for each library, now and as libraries appear."""
    async_setup_library_entities(hass, entry, async_add_entities, PlexLastScanSensor)


class PlexLastScanSensor(PlexLibraryEntity, SensorEntity):
    """When the library was last scanned (Plex's `scannedAt`).

    Plex sets it when a scan ends, so the libraries are listed again then.
    """

    _attr_translation_key = "last_scan"
    _attr_device_class = SensorDeviceClass.TIMESTAMP

    def __init__(
        self, coordinator: PlexActivitiesCoordinator, library: LibrarySection
    ) -> None:
        """Create the Last scan sensor of one library."""
        super().__init__(coordinator, library, "last_scan")

    @override
    async def async_added_to_hass(self) -> None:
        """Follow the server's listing of the library and the library's scans."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.coordinator.async_add_library_listener(self._write_if_changed)
        )
        self.async_on_remove(
            scan_index(self.coordinator).add_listener(self.section_id, self._scan)
        )

    @callback
    def _scan(self, started: bool) -> None:  # noqa: FBT001 - a listener
        if not started:
            self.coordinator.async_request_library_refresh()

    @override
    def _shown(self) -> object:
        return self.native_value

    @property
    @override
    def native_value(self) -> datetime | None:
        """Return when the library was last scanned."""
        return None if (library := self.library) is None else library.scanned_at
