"""Typed, immutable models of what the Plex server reports, and tolerant parsers for them.

Plex payloads drift between server versions (ids as strings or ints, booleans as "0"/"1",
optional keys missing), so every parser accepts the variants seen in the wild and rejects
only what cannot be an activity at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
import math
from typing import Any

from .exceptions import PlexInvalidResponseError

type JSONObject = Mapping[str, Any]


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
        uuid = _as_id(data.get("uuid"))
        if uuid is None:
            raise PlexInvalidResponseError("activity has no uuid")
        activity_type = data.get("type")
        return cls(
            uuid=uuid,
            type=activity_type
            if isinstance(activity_type, str) and activity_type
            else "unknown",
            title=_as_text(data.get("title")),
            subtitle=_as_text(data.get("subtitle")),
            progress=_as_progress(data.get("progress")),
            cancellable=_as_bool(data.get("cancellable")),
            user_id=_as_int(data.get("userID")),
            context=_as_object(data.get("Context")),
            response=_as_object(data.get("Response")),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ActivityEvent:
    """An activity notification: what happened and the activity as it is now."""

    type: ActivityEventType
    activity: Activity


@dataclass(frozen=True, slots=True, kw_only=True)
class ServerInfo:
    """Who the server is: what `GET /` tells, or `GET /identity` without a token.

    `/identity` carries only the id and version; the other fields are then defaults.
    """

    machine_identifier: str
    friendly_name: str
    version: str
    platform: str
    platform_version: str

    @classmethod
    def from_json(cls, data: Any) -> ServerInfo:
        """Build the server info from the `/` or `/identity` payload."""
        container = media_container(data)
        machine_identifier = _as_id(container.get("machineIdentifier"))
        if machine_identifier is None:
            raise PlexInvalidResponseError("server info has no machineIdentifier")
        return cls(
            machine_identifier=machine_identifier,
            friendly_name=_as_text(container.get("friendlyName"))
            or "Plex Media Server",
            version=_as_text(container.get("version")),
            platform=_as_text(container.get("platform")),
            platform_version=_as_text(container.get("platformVersion")),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class LibrarySection:
    """A library section: its name, whether it is scanning, its folders."""

    key: str
    title: str
    type: str
    refreshing: bool = False
    """Whether the section is scanning (Plex's `refreshing`)."""
    scanned_at: datetime | None = None
    """When the section was last scanned (Plex's `scannedAt`), if Plex says so."""
    locations: tuple[str, ...] = ()
    """The section's folders on the server (its `Location` paths)."""

    @classmethod
    def from_json(cls, data: Any) -> LibrarySection | None:
        """Build a section from a `Directory` entry; None if it has no key."""
        if not isinstance(data, Mapping) or (key := _as_id(data.get("key"))) is None:
            return None
        return cls(
            key=key,
            title=_as_text(data.get("title")) or key,
            type=_as_text(data.get("type")),
            refreshing=_as_bool(data.get("refreshing")),
            scanned_at=_as_timestamp(data.get("scannedAt")),
            locations=_as_locations(data.get("Location")),
        )


def media_container(data: Any) -> JSONObject:
    """Return the `MediaContainer` object of a REST payload."""
    if not isinstance(data, Mapping) or not isinstance(
        container := data.get("MediaContainer"), Mapping
    ):
        raise PlexInvalidResponseError("response has no MediaContainer object")
    return container


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


def parse_library_sections(data: Any) -> list[LibrarySection]:
    """Parse `GET /library/sections`; entries without a key are left out."""
    entries = _as_list(media_container(data).get("Directory"), "Directory")
    return [s for e in entries if (s := LibrarySection.from_json(e)) is not None]


def _as_list(value: Any, name: str) -> list[Any]:
    """Return a child list, accepting a single object or nothing."""
    if value is None:
        return []
    if isinstance(value, Mapping):
        return [value]
    if not isinstance(value, list):
        raise PlexInvalidResponseError(f"{name} is not a list")
    return value


def _as_timestamp(value: Any) -> datetime | None:
    """Map Plex's epoch seconds to a UTC datetime; None for 0, nonsense or absurd values."""
    seconds = _as_int(value)
    if seconds is None or seconds <= 0:
        return None
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except OverflowError, OSError, ValueError:
        return None


def _as_locations(value: Any) -> tuple[str, ...]:
    """Return the paths of a section's `Location` entries."""
    entries = [value] if isinstance(value, Mapping) else value
    if not isinstance(entries, list):
        return ()
    return tuple(
        path
        for entry in entries
        if isinstance(entry, Mapping)
        and isinstance(path := entry.get("path"), str)
        and path
    )


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _as_id(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and (value := value.strip()):
        return value
    return None


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value == 1
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true"}
    return False


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


def _as_object(value: Any) -> Mapping[str, Any]:
    if isinstance(value, Mapping):
        return dict(value)
    return {}


# The tolerant field parsers, for the other payload models of this package (plex.tv's).
as_text = _as_text
as_id = _as_id
as_int = _as_int
as_bool = _as_bool
