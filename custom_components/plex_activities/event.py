"""The event entity: fires when an activity starts and when it ends."""

from __future__ import annotations

from typing import TYPE_CHECKING, override

from homeassistant.components.event import EventEntity
from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util

from .attributes import activity_attributes
from .const import EVENT_ENDED, EVENT_STARTED
from .endings import ended_attributes
from .entity import PlexActivitiesEntity
from .tracker import Lifecycle, TrackedActivity

if TYPE_CHECKING:
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .coordinator import PlexActivitiesConfigEntry, PlexActivitiesCoordinator

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: PlexActivitiesConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the activity event entity of the server."""
    async_add_entities([PlexActivityEventEntity(entry.runtime_data)])


class PlexActivityEventEntity(PlexActivitiesEntity, EventEntity):
    """Fires `started` and `ended`, so automations can react to one activity."""

    _attr_translation_key = "activity"
    _attr_event_types = [EVENT_STARTED, EVENT_ENDED]
    # Recorded as before the event carried every activity attribute; Plex's result
    # and the bulky part of its Context can be large.
    _unrecorded_attributes = frozenset(
        {"cancellable", "user_id", "started_at", "response", "context_details"}
    )

    def __init__(self, coordinator: PlexActivitiesCoordinator) -> None:
        """Create the event entity of one server."""
        super().__init__(coordinator, "events")

    @override
    async def async_added_to_hass(self) -> None:
        """Listen to activities starting and ending."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.coordinator.async_add_lifecycle_listener(self._lifecycle)
        )

    @property
    @override
    def available(self) -> bool:
        """Return whether events can arrive: also while a poll failed but pushes flow."""
        return super().available or self.coordinator.listener.stats.connected

    @callback
    def _lifecycle(self, kind: Lifecycle, tracked: TrackedActivity) -> None:
        attributes = activity_attributes(tracked, self.coordinator.libraries)
        if kind is Lifecycle.ENDED:
            attributes["duration"] = round(
                (dt_util.utcnow() - tracked.started_at).total_seconds(), 1
            )
            attributes.update(ended_attributes(self.coordinator, tracked))
        self._trigger_event(
            EVENT_STARTED if kind is Lifecycle.STARTED else EVENT_ENDED, attributes
        )
        self.async_write_ha_state()
