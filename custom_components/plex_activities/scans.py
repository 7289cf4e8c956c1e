"""Which libraries are scanning: an index of the running scan activities by library.

The Scanning binary sensors and the Last scan sensors ask it, so that an activity
update (thousands a minute in a mass scan) costs nothing unless it is a scan that only
now names its library. A scan that starts without naming its library (Plex may add
`Context.librarySectionID` a second in) is followed until it does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from homeassistant.core import CALLBACK_TYPE, callback

from .starting import SCAN_ACTIVITY_TYPE
from .tracker import Lifecycle, TrackedActivity

if TYPE_CHECKING:
    from .coordinator import PlexActivitiesCoordinator

# Called with whether a scan of the library started (True) or ended (False).
type ScanListener = Callable[[bool], None]

_INDEXES: WeakKeyDictionary[PlexActivitiesCoordinator, ScanIndex] = WeakKeyDictionary()


def scan_index(coordinator: PlexActivitiesCoordinator) -> ScanIndex:
    """Return the scan index of a server, creating it on first use."""
    if (index := _INDEXES.get(coordinator)) is None:
        index = _INDEXES[coordinator] = ScanIndex(coordinator)
        coordinator.config_entry.async_on_unload(index.close)
    return index


class ScanIndex:
    """The running scans of one server, by library section id."""

    def __init__(self, coordinator: PlexActivitiesCoordinator) -> None:
        """Index the scans running now and follow the ones to come."""
        self._coordinator = coordinator
        self._scans: dict[str, set[str]] = {}
        self._section_of: dict[str, str] = {}
        self._unnamed: dict[str, CALLBACK_TYPE] = {}
        self._listeners: dict[str, list[ScanListener]] = {}
        self._unsubscribe = coordinator.async_add_lifecycle_listener(self._lifecycle)
        for tracked in coordinator.activities.values():
            self._lifecycle(Lifecycle.STARTED, tracked)

    @callback
    def close(self) -> None:
        """Stop following the server's activities."""
        self._unsubscribe()
        for unsubscribe in self._unnamed.values():
            unsubscribe()
        self._unnamed.clear()
        _INDEXES.pop(self._coordinator, None)

    def scanning(self, section_id: str) -> bool:
        """Tell whether a scan of this library runs."""
        return bool(self._scans.get(section_id))

    @callback
    def add_listener(self, section_id: str, listener: ScanListener) -> CALLBACK_TYPE:
        """Call `listener` when a scan of this library starts or ends."""
        listeners = self._listeners.setdefault(section_id, [])
        listeners.append(listener)

        @callback
        def remove() -> None:
            listeners.remove(listener)
            if not listeners:
                self._listeners.pop(section_id, None)

        return remove

    @callback
    def _lifecycle(self, kind: Lifecycle, tracked: TrackedActivity) -> None:
        activity = tracked.activity
        if activity.type != SCAN_ACTIVITY_TYPE:
            return
        uuid = activity.uuid
        if kind is Lifecycle.ENDED:
            if (unsubscribe := self._unnamed.pop(uuid, None)) is not None:
                unsubscribe()
            if (section_id := self._section_of.pop(uuid, None)) is not None:
                self._scans[section_id].discard(uuid)
                self._notify(section_id, started=False)
        elif (section_id := activity.library_section_id) is not None:
            self._index(uuid, section_id)
        else:
            self._unnamed[uuid] = self._coordinator.async_add_activity_listener(
                uuid, lambda: self._named(uuid)
            )

    @callback
    def _named(self, uuid: str) -> None:
        """Index a scan that was updated, once it names its library."""
        tracked = self._coordinator.activities.get(uuid)
        if tracked is None or (section := tracked.activity.library_section_id) is None:
            return
        if (unsubscribe := self._unnamed.pop(uuid, None)) is None:
            return  # indexed by an earlier update in this same loop turn
        # Not unsubscribed right here: the tracker is calling this activity's listeners.
        self._coordinator.hass.loop.call_soon(unsubscribe)
        self._index(uuid, section)

    def _index(self, uuid: str, section_id: str) -> None:
        self._section_of[uuid] = section_id
        self._scans.setdefault(section_id, set()).add(uuid)
        self._notify(section_id, started=True)

    def _notify(self, section_id: str, *, started: bool) -> None:
        for listener in list(self._listeners.get(section_id, ())):
            listener(started)
