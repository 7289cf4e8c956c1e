"""An activity of the server (a scan, a refresh, an analysis, ...) and its events."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
import math
from typing import Any

from .exceptions import PlexInvalidResponseError
from .fields import as_bool, as_id, as_int, as_object, as_text, media_container


class ActivityEventType(StrEnum):
    """What happened to an activity, as a notification reports it."""

    STARTED = "started"
    UPDATED = "updated"
    ENDED = "ended"


@dataclass(frozen=True, slots=True, kw_only=True)
class Activity:
    """One running activity of the server (a scan, a refresh, an analysis, ...)."""

    uuid: str
    type: str
    title: str = ""
    subtitle: str = ""
    progress: int | None = None
    """Percent complete, 0-100; None when Plex reports -1 (indeterminate)."""
    cancellable: bool = False
    user_id: int | None = None
    context: Mapping[str, Any] = field(default_factory=dict)
    response: Mapping[str, Any] = field(default_factory=dict)

    @property
    def library_section_id(self) -> str | None:
        """Return the library section the activity works on, if Plex said so."""
        value = self.context.get("librarySectionID")
        if isinstance(value, bool) or value is None:
            return None
        if isinstance(value, int | str) and str(value).strip():
            return str(value).strip()
        return None

    @classmethod
    def from_json(cls, data: Any) -> Activity:
        """Build an activity from its JSON object; raise on anything that is not one."""
        if not isinstance(data, Mapping):
            raise PlexInvalidResponseError("activity is not an object")
        uuid = as_id(data.get("uuid"))
        if uuid is None:
            raise PlexInvalidResponseError("activity has no uuid")
        activity_type = data.get("type")
        return cls(
            uuid=uuid,
            type=activity_type
            if isinstance(activity_type, str) and activity_type
            else "unknown",
            title=as_text(data.get("title")),
            subtitle=as_text(data.get("subtitle")),
            progress=_as_progress(data.get("progress")),
            cancellable=as_bool(data.get("cancellable")),
            user_id=as_int(data.get("userID")),
            context=as_object(data.get("Context")),
            response=as_object(data.get("Response")),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ActivityEvent:
    """An activity notification: what happened and the activity as it is now."""

    type: ActivityEventType
    activity: Activity


def activity_entries(data: Any) -> list[Any]:
    """Return the unparsed entries of `GET /activities` (see `parse_activity_entry`)."""
    entries = media_container(data).get("Activity", [])
    if isinstance(entries, Mapping):
        return [entries]
    if not isinstance(entries, list):
        raise PlexInvalidResponseError("Activity is not a list")
    return entries


def parse_activity_entry(entry: Any) -> Activity | None:
    """Parse one entry of `GET /activities`; None if it is not an activity."""
    try:
        return Activity.from_json(entry)
    except PlexInvalidResponseError:
        return None


def _as_progress(value: Any) -> int | None:
    """Map Plex's progress to 0-100, or None for -1, missing or nonsense."""
    if isinstance(value, bool):
        return None
    number: float
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    if math.isnan(number) or number < 0:
        return None
    if math.isinf(number):
        return 100
    return min(100, round(number))
