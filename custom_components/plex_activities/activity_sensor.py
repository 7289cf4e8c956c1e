"""The sensor of one running activity: its progress, named after what it works on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, override

from homeassistant.components.sensor import SensorEntity
from homeassistant.const import PERCENTAGE
from homeassistant.core import callback
from homeassistant.helpers import entity_registry as er

from .activity_id import activity_key, forget_activity
from .attributes import UNRECORDED_ATTRIBUTES, activity_attributes
from .const import KNOWN_ACTIVITY_TYPES
from .entity import PlexActivitiesEntity

if TYPE_CHECKING:
    from .coordinator import PlexActivitiesCoordinator
    from .tracker import TrackedActivity


class PlexActivitySensor(PlexActivitiesEntity, SensorEntity):
    """One running activity; its state is the progress in percent."""

    _attr_native_unit_of_measurement = PERCENTAGE
    _attr_suggested_display_precision = 0
    _unrecorded_attributes = UNRECORDED_ATTRIBUTES

    def __init__(
        self, coordinator: PlexActivitiesCoordinator, tracked: TrackedActivity
    ) -> None:
        """Create the sensor of one activity."""
        activity = tracked.activity
        super().__init__(coordinator, activity_key(activity.uuid))
        self.uuid = activity.uuid
        self._tracked = tracked
        self._added = False
        # Home Assistant left it out: registered disabled (by the user, with the
        # server's device, or as every new entity of the entry), it has only an entry.
        self._left_out = False
        self._ended = False
        self._name_after_library()

    def _name_after_library(self) -> bool:
        """Name the sensor after its activity and library; return whether that changed."""
        activity = self._tracked.activity
        self._library = library = self.coordinator.library_of(activity)
        key = KNOWN_ACTIVITY_TYPES.get(activity.type, "activity")
        if key == "library_scan" and library is None:
            key = "activity"  # Plex's own title until the library's name is known
        placeholders = {
            "title": activity.title or activity.type,
            "library": library.title if library else "",
        }
        if getattr(self, "_attr_translation_placeholders", None) == placeholders and (
            self._attr_translation_key == key
        ):
            return False
        self._attr_translation_key = key
        self._attr_translation_placeholders = placeholders
        # Home Assistant caches the name (and its translation key) once computed.
        for cached in ("name", "_name_translation_key"):
            self.__dict__.pop(cached, None)
        return True

    @override
    async def async_added_to_hass(self) -> None:
        """Follow this activity's updates; leave at once if it ended meanwhile."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.coordinator.async_add_activity_listener(self.uuid, self._handle_update)
        )
        if self._tracked.activity.library_section_id is not None:
            self.async_on_remove(
                self.coordinator.async_add_library_listener(self._libraries_changed)
            )
        self._added = True
        if self._ended:
            self._async_schedule_removal()

    @override
    @callback
    def add_to_platform_abort(self) -> None:
        """Note that Home Assistant left this sensor out (it is disabled, say)."""
        super().add_to_platform_abort()
        self._left_out = True
        if self._ended:
            self._forget()

    @callback
    def async_activity_ended(self) -> None:
        """Remove this sensor for good: its activity ended (it may still be adding)."""
        self._ended = True
        if self._left_out:  # only its registry entry is left to remove
            self._forget()
        elif self._added:
            self._async_schedule_removal()

    @callback
    def _forget(self) -> None:
        """Remove this sensor's registry entry, found by its activity.

        Through the coordinator: a sensor left out has no `hass`.
        """
        forget_activity(
            er.async_get(self.coordinator.hass),
            self.coordinator.server.machine_identifier,
            self.uuid,
        )

    @callback
    def _async_schedule_removal(self) -> None:
        self.hass.async_create_task(self._async_remove_for_good(), eager_start=True)

    async def _async_remove_for_good(self) -> None:
        """Leave the state machine and the entity registry: no trace of the activity."""
        self._forget()  # by its activity: disabled, it may have been renamed unseen
        await self.async_remove(force_remove=True)

    @callback
    def _libraries_changed(self) -> None:
        """Show the library's name (or its new name) once Plex has listed it."""
        if self._ended or self.coordinator.library_of(self._tracked.activity) == (
            self._library
        ):
            return
        if self._name_after_library() and self.registry_entry is not None:
            # The frontend picks the icon by the registry's translation key.
            er.async_get(self.hass).async_update_entity(
                self.entity_id, translation_key=self._attr_translation_key
            )
        self.async_write_ha_state()

    @callback
    def _handle_update(self) -> None:
        self._tracked = self.coordinator.activities[self.uuid]
        if self._added and not self._ended:
            self.async_write_ha_state()

    @property
    @override
    def native_value(self) -> int | None:
        """Return the progress, or None while Plex cannot tell."""
        return self._tracked.activity.progress

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any]:
        """Return what the activity is about."""
        return activity_attributes(
            self._tracked, self.coordinator.libraries, progress=False
        )
