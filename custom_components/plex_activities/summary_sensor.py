"""The Activities sensor: how many activities run, and a list of them for dashboards."""

from __future__ import annotations

from itertools import islice
from typing import TYPE_CHECKING, Any, override

from homeassistant.components.sensor import SensorEntity, SensorStateClass
from homeassistant.core import CALLBACK_TYPE, Event, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.event import async_call_later

from .activity_id import activity_entity_id, uuid_from_unique_id
from .attributes import activity_attributes
from .const import SUMMARY_COALESCE_SECONDS
from .entity import PlexActivitiesEntity

if TYPE_CHECKING:
    import asyncio

    from .coordinator import PlexActivitiesCoordinator
    from .tracker import Lifecycle, TrackedActivity


class PlexActivitiesSummarySensor(PlexActivitiesEntity, SensorEntity):
    """How many activities run, with a compact list of them for dashboards.

    The list holds the activities that have a sensor of their own: all of them, up to
    `listed` (MAX_ACTIVITY_SENSORS: the ones that have run longest).
    """

    _attr_translation_key = "activities"
    _attr_state_class = SensorStateClass.MEASUREMENT
    _unrecorded_attributes = frozenset({"activities"})

    def __init__(self, coordinator: PlexActivitiesCoordinator, listed: int) -> None:
        """Create the summary sensor of one server, listing at most `listed`."""
        super().__init__(coordinator, "activities")
        self._listed = listed
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
                for tracked in islice(coordinator.activities.values(), self._listed)
            ]
        }
