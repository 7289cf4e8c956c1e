"""The one notification parser: a frame's text in, activity events out (both transports)."""

from __future__ import annotations

from collections.abc import Mapping
import json
from typing import Any, Final

from .activities import Activity, ActivityEvent, ActivityEventType
from .exceptions import PlexError

# Frames above this are skipped (counted as `too_large`), whichever transport carried them.
MAX_FRAME_BYTES: Final = 1024 * 1024
_EVENT_TYPES = {member.value: member for member in ActivityEventType}


class SkippedFrameError(Exception):
    """A frame that carries no activity event; `reason` says why (for the counters)."""

    def __init__(self, reason: str) -> None:
        """Remember the reason."""
        super().__init__(reason)
        self.reason = reason


def parse_notification(
    frame: str | bytes, *, event: str | None = None
) -> list[ActivityEvent]:
    """Return the activity events of one notification, whichever transport carried it.

    A websocket frame is `{"NotificationContainer": {"type": ..., <child>: [...]}}`. An
    EventSource message names the type in its `event` and its data is either that same
    container or the bare `{<child>: {...}}` (one object or a list), as third-party
    clients read it (both are accepted). Raises SkippedFrameError for anything else:
    other notification types, frames over 1 MiB, invalid JSON, wrong shapes, or
    activity entries none of which is valid.
    """
    if len(frame) > MAX_FRAME_BYTES:
        raise SkippedFrameError("too_large")
    try:
        data = json.loads(frame)
    except ValueError, RecursionError:
        raise SkippedFrameError("invalid_json") from None
    if not isinstance(data, Mapping):
        raise SkippedFrameError("invalid_shape")
    container = data.get("NotificationContainer", data if event is not None else None)
    if not isinstance(container, Mapping):
        raise SkippedFrameError("invalid_shape")
    if container.get("type", event) != "activity":
        raise SkippedFrameError("other_type")
    entries = container.get("ActivityNotification")
    if isinstance(entries, Mapping):
        entries = [entries]
    if not isinstance(entries, list):
        raise SkippedFrameError("invalid_shape")
    events = [
        parsed for entry in entries if (parsed := _parse_entry(entry)) is not None
    ]
    if not events:
        raise SkippedFrameError("invalid_activity")
    return events


def _parse_entry(entry: Any) -> ActivityEvent | None:
    if not isinstance(entry, Mapping):
        return None
    event = entry.get("event")
    event_type = _EVENT_TYPES.get(event) if isinstance(event, str) else None
    raw = entry.get("Activity")
    if event_type is None or not isinstance(raw, Mapping):
        return None
    if "uuid" not in raw and "uuid" in entry:
        raw = {**raw, "uuid": entry["uuid"]}
    try:
        activity = Activity.from_json(raw)
    except PlexError:
        return None
    return ActivityEvent(type=event_type, activity=activity)
