"""The Scanning binary sensor of each library."""

from __future__ import annotations

from typing import TYPE_CHECKING, override

from homeassistant.components.binary_sensor import (  # type: ignore[attr-defined, unused-ignore]
    BinarySensorDeviceClass,  # re-exported: from .const since 2026.10
    BinarySensorEntity,
)
from homeassistant.core import HomeAssistant, callback

from .library_entity import PlexLibraryEntity, async_setup_library_entities
from .scans import scan_index

if TYPE_CHECKING:
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .api import LibrarySection
    from .coordinator import PlexActivitiesConfigEntry, PlexActivitiesCoordinator

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: PlexActivitiesConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a Scanning sensor for each library, now and as libraries appear."""
    async_setup_library_entities(hass, entry, async_add_entities, PlexScanningSensor)


class PlexScanningSensor(PlexLibraryEntity, BinarySensorEntity):
    """On while the library scans.

    A scan activity of the library turns it on; so does the server's `refreshing` flag
    at a resync (a scan that shows no activity), until a scan of the library ends.
    """

    _attr_translation_key = "scanning"
    _attr_device_class = BinarySensorDeviceClass.RUNNING

    def __init__(
        self, coordinator: PlexActivitiesCoordinator, library: LibrarySection
    ) -> None:
        """Create the Scanning sensor of one library."""
        super().__init__(coordinator, library, "scanning")
        self._scans = scan_index(coordinator)
        self._refreshing = library.refreshing

    @override
    async def async_added_to_hass(self) -> None:
        """Follow the library's scans and the server's listing of it."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self._scans.add_listener(self.section_id, self._scan_changed)
        )
        self.async_on_remove(
            self.coordinator.async_add_library_listener(self._library_changed)
        )

    @callback
    def _scan_changed(self, started: bool) -> None:  # noqa: FBT001 - a listener
        if not started:
            self._refreshing = False
        self._write_if_changed()

    @callback
    def _library_changed(self) -> None:
        if (library := self.library) is not None:
            self._refreshing = library.refreshing
        self._write_if_changed()

    @override
    def _shown(self) -> object:
        return self.is_on

    @property
    @override
    def is_on(self) -> bool:
        """Return whether the library is scanning."""
        return self._refreshing or self._scans.scanning(self.section_id)
