"""The running activities: their state, who follows them, and how pushes meet snapshots."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
import time
from typing import TYPE_CHECKING

from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.util import dt as dt_util

from .api import Activity, ActivityEvent, ActivityEventType, yield_if_busy

if TYPE_CHECKING:
    from datetime import datetime


# How many ended activities are remembered, to know their late frames.
ENDED_REMEMBERED = 1000


@dataclass(frozen=True, slots=True, kw_only=True)
class TrackedActivity:
    """An activity as Plex last reported it, and when Home Assistant first saw it."""

    activity: Activity
    started_at: datetime


class Lifecycle(StrEnum):
    """An activity appearing or going away."""

    STARTED = "started"
    ENDED = "ended"


type LifecycleListener = Callable[[Lifecycle, TrackedActivity], None]


class ActivityTracker:
    """The running activities of one server, oldest first, and their listeners.

    Pushes (notifications) are applied as they come and numbered; a REST snapshot is
    stamped from the same sequence when its request starts (`snapshot_stamp`). Applied
    later, it leaves alone every activity pushed since, because the push is newer, and
    a snapshot older than one applied already is dropped whole: resyncs overlap, and
    the older answer must not bring back what the newer one (or a push it settled)
    ended. A push for an activity that ended already is a late frame (read after a
    resync or a cancel that ended it; a uuid is one activity) and changes nothing, and
    so is a snapshot still listing it (Plex winding down a cancelled activity): what
    ended stays ended.
    Listeners hear per activity, so one change writes one entity at most, and a
    change that changes nothing is not heard at all.
    """

    def __init__(self) -> None:
        """Start with no activities."""
        self.activities: dict[str, TrackedActivity] = {}
        self._activity_listeners: dict[str, list[CALLBACK_TYPE]] = {}
        self._lifecycle_listeners: list[LifecycleListener] = []
        self._any_update_listeners: list[CALLBACK_TYPE] = []
        self._seq = 0
        self._pushed: dict[str, int] = {}
        self._applied_stamp = 0
        # The last activities that ended, oldest first (an ordered set).
        self._ended: dict[str, None] = {}

    def snapshot_stamp(self) -> int:
        """Return the stamp of a snapshot whose request starts now."""
        self._seq += 1
        return self._seq

    # --- changes -----------------------------------------------------------------

    @callback
    def apply_events(self, events: Sequence[ActivityEvent]) -> None:
        """Apply pushed events, in order."""
        for event in events:
            if event.activity.uuid in self._ended:
                continue
            self._mark_pushed(event.activity.uuid)
            if event.type is ActivityEventType.ENDED:
                self._end(event.activity.uuid, event.activity)
            else:
                self._upsert(event.activity)

    @callback
    def end_now(self, uuid: str) -> None:
        """End an activity known to be over (cancelled, or gone from Plex) like a push."""
        self._mark_pushed(uuid)
        self._end(uuid, None)

    async def async_apply_snapshot(
        self, activities: list[Activity], fetched_at: int
    ) -> None:
        """Apply a REST snapshot whose request got the stamp `fetched_at`.

        Activities pushed since then keep their pushed state: the snapshot is older.
        A snapshot requested before the last one applied changes nothing.
        Each started or ended activity is heard by entities, so a big snapshot (after an
        outage) yields to the event loop every few milliseconds.
        """
        if fetched_at < self._applied_stamp:
            return
        self._applied_stamp = fetched_at
        pushed = self._pushed

        def newer(uuid: str) -> bool:
            return pushed.get(uuid, 0) > fetched_at

        current = {activity.uuid for activity in activities}
        gone = [uuid for uuid in self.activities if uuid not in current]
        busy_since = time.monotonic()
        for index, uuid in enumerate(gone):
            if not newer(uuid):
                self._end(uuid, None)
            if index % 16 == 15:
                busy_since = await yield_if_busy(busy_since)
        ended = self._ended
        for index, activity in enumerate(activities):
            if not newer(activity.uuid) and activity.uuid not in ended:
                self._upsert(activity)
            if index % 16 == 15:
                busy_since = await yield_if_busy(busy_since)
        # What was pushed before this snapshot is settled by it.
        self._pushed = {uuid: seq for uuid, seq in pushed.items() if seq > fetched_at}

    def _mark_pushed(self, uuid: str) -> None:
        """Note that this activity's state is newer than any snapshot in flight."""
        self._seq += 1
        self._pushed[uuid] = self._seq

    def _upsert(self, activity: Activity) -> None:
        tracked = self.activities.get(activity.uuid)
        if tracked is None:
            tracked = TrackedActivity(activity=activity, started_at=dt_util.utcnow())
            self.activities[activity.uuid] = tracked
            for lifecycle_listener in list(self._lifecycle_listeners):
                lifecycle_listener(Lifecycle.STARTED, tracked)
        elif tracked.activity != activity:
            self.activities[activity.uuid] = TrackedActivity(
                activity=activity, started_at=tracked.started_at
            )
            for activity_listener in self._activity_listeners.get(activity.uuid, ()):
                activity_listener()
            for update_listener in self._any_update_listeners:
                update_listener()

    def _end(self, uuid: str, last: Activity | None) -> None:
        tracked = self.activities.pop(uuid, None)
        if tracked is None:
            return
        self._ended[uuid] = None
        if len(self._ended) > ENDED_REMEMBERED:
            del self._ended[next(iter(self._ended))]
        if last is not None:
            tracked = TrackedActivity(activity=last, started_at=tracked.started_at)
        for lifecycle_listener in list(self._lifecycle_listeners):
            lifecycle_listener(Lifecycle.ENDED, tracked)

    # --- listeners ---------------------------------------------------------------

    @callback
    def add_activity_listener(
        self, uuid: str, update_callback: CALLBACK_TYPE
    ) -> CALLBACK_TYPE:
        """Call `update_callback` whenever this one activity changes."""
        listeners = self._activity_listeners.setdefault(uuid, [])
        listeners.append(update_callback)

        @callback
        def remove() -> None:
            listeners.remove(update_callback)
            if not listeners:
                self._activity_listeners.pop(uuid, None)

        return remove

    @callback
    def add_lifecycle_listener(self, listener: LifecycleListener) -> CALLBACK_TYPE:
        """Call `listener` when an activity starts or ends."""
        self._lifecycle_listeners.append(listener)
        return lambda: self._lifecycle_listeners.remove(listener)

    @callback
    def add_any_update_listener(self, update_callback: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call `update_callback` when any running activity changes (not starts/ends)."""
        self._any_update_listeners.append(update_callback)
        return lambda: self._any_update_listeners.remove(update_callback)
