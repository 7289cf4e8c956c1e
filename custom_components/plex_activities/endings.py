"""What the end of an activity says: Plex's result, and who cancelled it.

Plex may report the end (the `ended` notification) before it answers the cancel
request, so an activity counts as cancelled from Home Assistant from the moment the
request is sent until its answer was handled.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

if TYPE_CHECKING:
    from collections.abc import Iterator

    from .coordinator import PlexActivitiesCoordinator
    from .tracker import TrackedActivity

_CANCELLING: WeakKeyDictionary[PlexActivitiesCoordinator, set[str]] = (
    WeakKeyDictionary()
)


@contextmanager
def cancelling(coordinator: PlexActivitiesCoordinator, uuid: str) -> Iterator[None]:
    """Mark an activity as being cancelled from Home Assistant while in the block."""
    uuids = _CANCELLING.setdefault(coordinator, set())
    uuids.add(uuid)
    try:
        yield
    finally:
        uuids.discard(uuid)


def cancelled_from_home_assistant(
    coordinator: PlexActivitiesCoordinator, uuid: str
) -> bool:
    """Tell whether Home Assistant is cancelling this activity."""
    return uuid in _CANCELLING.get(coordinator, ())


def ended_attributes(
    coordinator: PlexActivitiesCoordinator, tracked: TrackedActivity
) -> dict[str, Any]:
    """Return what the `ended` event adds: Plex's `response`, and `cancelled`."""
    activity = tracked.activity
    return {
        "response": dict(activity.response),
        "cancelled": cancelled_from_home_assistant(coordinator, activity.uuid),
    }
