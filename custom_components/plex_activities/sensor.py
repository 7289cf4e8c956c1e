"""Sensors: one per running activity (its progress), and one counting them all.

The platform adds and removes the activity sensors (`activity_sensor.py`) as activities
start and end, and the Activities sensor (`summary_sensor.py`).
"""

from __future__ import annotations

from itertools import islice
import time
from typing import TYPE_CHECKING, Final

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er

from .activity_id import forget_activity, forget_entity, uuid_from_unique_id
from .activity_sensor import PlexActivitySensor
from .api import yield_if_busy
from .const import DOMAIN, MAX_ACTIVITY_SENSORS
from .library_sensor import async_setup_library_sensors
from .summary_sensor import PlexActivitiesSummarySensor
from .tracker import Lifecycle, TrackedActivity

if TYPE_CHECKING:
    import asyncio

    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .coordinator import PlexActivitiesConfigEntry

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
    async_add_entities(
        [PlexActivitiesSummarySensor(coordinator, listed=MAX_ACTIVITY_SENSORS)]
    )
    adder.schedule()
    async_setup_library_sensors(hass, entry, async_add_entities)


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
        forget_activity(
            er.async_get(self._hass), self._coordinator.server.machine_identifier, uuid
        )

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
