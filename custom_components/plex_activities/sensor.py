"""Sensors: one per running activity (its progress), and one counting them all."""

from __future__ import annotations

from itertools import islice
import time
from typing import TYPE_CHECKING, Any, Final, override

from homeassistant.components.sensor import SensorEntity, SensorStateClass
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import PERCENTAGE
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.event import async_call_later

from .activity_id import (
    activity_entity_id,
    activity_key,
    forget_entity,
    uuid_from_unique_id,
)
from .api.cooperative import yield_if_busy
from .attributes import UNRECORDED_ATTRIBUTES, activity_attributes
from .const import (
    DOMAIN,
    KNOWN_ACTIVITY_TYPES,
    MAX_ACTIVITY_SENSORS,
    SUMMARY_COALESCE_SECONDS,
)
from .entity import PlexActivitiesEntity
from .tracker import Lifecycle, TrackedActivity

if TYPE_CHECKING:
    import asyncio

    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .coordinator import PlexActivitiesConfigEntry, PlexActivitiesCoordinator

PARALLEL_UPDATES = 0

# Sensors are added while the entry is being set up or is loaded, not once it unloads.
_ADDING_STATES: Final = frozenset(
    {ConfigEntryState.SETUP_IN_PROGRESS, ConfigEntryState.LOADED}
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: PlexActivitiesConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a sensor for each running activity, now and whenever one starts."""
    coordinator = entry.runtime_data
    registry = er.async_get(hass)
    machine_identifier = coordinator.server.machine_identifier

    # Activities that ended while Home Assistant was not watching leave no trace, nor
    # do running ones that will wait for a sensor (they get a new entry when they do).
    keep = set(islice(coordinator.activities, MAX_ACTIVITY_SENSORS))
    for registry_entry in er.async_entries_for_config_entry(registry, entry.entry_id):
        if registry_entry.domain != "sensor":
            continue
        uuid = uuid_from_unique_id(machine_identifier, registry_entry.unique_id)
        if uuid is not None and uuid not in keep:
            forget_entity(registry, registry_entry.entity_id)

    adder = _ActivitySensorAdder(hass, entry, async_add_entities)
    entry.async_on_unload(coordinator.async_add_lifecycle_listener(adder.lifecycle))
    entry.async_on_unload(adder.pending.clear)
    async_add_entities([PlexActivitiesSummarySensor(coordinator)])
    adder.schedule()


class _ActivitySensorAdder:
    """Adds a sensor when an activity starts, in slices, and removes it when it ends.

    At most MAX_ACTIVITY_SENSORS activities have a sensor, the oldest first; when one
    of them ends, the oldest activity still waiting gets its sensor. Home Assistant adds
    entities one after the other without yielding, so a burst (a resync after an
    outage, a mass scan) is handed over in slices of `YIELD_AFTER` seconds. A sensor is
    built when its turn comes, from the activity as it is then; an activity that ends
    before its turn never gets one.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        entry: PlexActivitiesConfigEntry,
        async_add_entities: AddConfigEntryEntitiesCallback,
    ) -> None:
        """Start with the activities already running."""
        self._hass = hass
        self._entry = entry
        self._coordinator = entry.runtime_data
        self._async_add_entities = async_add_entities
        # The sensors added, by uuid, until their activity ends.
        self._sensors: dict[str, PlexActivitySensor] = {}
        # Activities that started but have no sensor (yet), oldest first.
        self.pending: dict[str, None] = dict.fromkeys(self._coordinator.activities)
        self._task: asyncio.Task[None] | None = None

    @callback
    def lifecycle(self, kind: Lifecycle, tracked: TrackedActivity) -> None:
        """Queue a started activity; remove the sensor of one that ended."""
        uuid = tracked.activity.uuid
        if kind is Lifecycle.STARTED:
            self.pending[uuid] = None
            self.schedule()
        elif uuid in self.pending:  # ended before its sensor was added: no trace
            del self.pending[uuid]
            self._forget(uuid)
        elif (sensor := self._sensors.pop(uuid, None)) is not None:
            sensor.async_activity_ended()
            self.schedule()  # a place is free for the oldest activity waiting

    @callback
    def _forget(self, uuid: str) -> None:
        """Remove a registry entry left from before a restart, if there is one."""
        registry = er.async_get(self._hass)
        machine_identifier = self._coordinator.server.machine_identifier
        if entity_id := activity_entity_id(registry, machine_identifier, uuid):
            forget_entity(registry, entity_id)

    @callback
    def schedule(self) -> None:
        """Start adding the pending sensors, unless already under way."""
        if self._task is None and self._has_room():
            # Not started eagerly: the activities that start in the same loop turn
            # (a resync, a burst of frames) are then added by this one task.
            self._task = self._entry.async_create_task(
                self._hass,
                self._add_pending(),
                f"{DOMAIN} add activity sensors",
                eager_start=False,
            )

    def _has_room(self) -> bool:
        return bool(self.pending) and len(self._sensors) < MAX_ACTIVITY_SENSORS

    async def _add_pending(self) -> None:
        pending = self.pending
        busy_since = time.monotonic()
        try:
            while self._has_room() and self._entry.state in _ADDING_STATES:
                uuid = next(iter(pending))
                del pending[uuid]
                if (tracked := self._coordinator.activities.get(uuid)) is not None:
                    sensor = PlexActivitySensor(self._coordinator, tracked)
                    self._sensors[uuid] = sensor
                    self._async_add_entities([sensor])
                busy_since = await yield_if_busy(busy_since)
        finally:
            self._task = None


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

    @callback
    def async_activity_ended(self) -> None:
        """Remove this sensor for good: its activity ended (it may still be adding)."""
        self._ended = True
        if self._added:
            self._async_schedule_removal()

    @callback
    def _async_schedule_removal(self) -> None:
        self.hass.async_create_task(self._async_remove_for_good(), eager_start=True)

    async def _async_remove_for_good(self) -> None:
        """Leave the state machine and the entity registry: no trace of the activity."""
        if self.registry_entry is not None:
            forget_entity(er.async_get(self.hass), self.entity_id)
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


class PlexActivitiesSummarySensor(PlexActivitiesEntity, SensorEntity):
    """How many activities run, with a compact list of them for dashboards.

    The list holds the activities that have a sensor of their own: all of them, up to
    MAX_ACTIVITY_SENSORS (the ones that have run longest).
    """

    _attr_translation_key = "activities"
    _attr_state_class = SensorStateClass.MEASUREMENT
    _unrecorded_attributes = frozenset({"activities"})

    def __init__(self, coordinator: PlexActivitiesCoordinator) -> None:
        """Create the summary sensor of one server."""
        super().__init__(coordinator, "activities")
        self._unsub_coalesce: CALLBACK_TYPE | None = None
        self._write_soon: asyncio.Handle | None = None

    @override
    async def async_added_to_hass(self) -> None:
        """Follow every change; starts and ends show at once, progress coalesced."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.coordinator.async_add_any_update_listener(self._updated)
        )
        self.async_on_remove(
            self.coordinator.async_add_lifecycle_listener(self._lifecycle)
        )
        # Sensors get their entity id after the start was written: list it then.
        self.async_on_remove(
            self.hass.bus.async_listen(
                er.EVENT_ENTITY_REGISTRY_UPDATED,
                self._activity_sensor_registered,
                event_filter=self._is_new_activity_sensor,
            )
        )
        self.async_on_remove(
            self.coordinator.async_add_library_listener(self._write_soon_once)
        )
        self.async_on_remove(self._cancel_pending)

    @callback
    def _activity_sensor_registered(
        self, _event: Event[er.EventEntityRegistryUpdatedData]
    ) -> None:
        self._updated()

    @callback
    def _is_new_activity_sensor(self, data: er.EventEntityRegistryUpdatedData) -> bool:
        registry_entry = er.async_get(self.hass).async_get(data["entity_id"])
        return (
            data["action"] == "create"
            and registry_entry is not None
            and registry_entry.config_entry_id == self.coordinator.config_entry.entry_id
            and uuid_from_unique_id(
                self.coordinator.server.machine_identifier, registry_entry.unique_id
            )
            is not None
        )

    @callback
    def _cancel_pending(self) -> None:
        if self._unsub_coalesce is not None:
            self._unsub_coalesce()
            self._unsub_coalesce = None
        if self._write_soon is not None:
            self._write_soon.cancel()
            self._write_soon = None

    @callback
    def _lifecycle(self, kind: Lifecycle, tracked: TrackedActivity) -> None:
        # The count changed: write on the next loop turn, once for a whole burst.
        self._write_soon_once()

    @callback
    def _write_soon_once(self) -> None:
        if self._write_soon is None:
            self._write_soon = self.hass.loop.call_soon(self._write_now)

    @callback
    def _updated(self) -> None:
        if self._unsub_coalesce is None and self._write_soon is None:
            self._unsub_coalesce = async_call_later(
                self.hass, SUMMARY_COALESCE_SECONDS, self._write_coalesced
            )

    @callback
    def _write_now(self) -> None:
        self._write_soon = None
        self._cancel_pending()
        self.async_write_ha_state()

    @callback
    def _write_coalesced(self, _now: object) -> None:
        self._unsub_coalesce = None
        self.async_write_ha_state()

    @property
    @override
    def native_value(self) -> int:
        """Return the number of running activities."""
        return len(self.coordinator.activities)

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any]:
        """Return the running activities that have a sensor, oldest first."""
        coordinator = self.coordinator
        machine_identifier = coordinator.server.machine_identifier
        registry = er.async_get(self.hass)
        return {
            "activities": [
                {
                    **activity_attributes(
                        tracked, coordinator.libraries, context=False
                    ),
                    "entity_id": activity_entity_id(
                        registry, machine_identifier, tracked.activity.uuid
                    ),
                }
                for tracked in islice(
                    coordinator.activities.values(), MAX_ACTIVITY_SENSORS
                )
            ]
        }
