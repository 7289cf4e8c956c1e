"""The tolerant field parsers that every payload model of this package is built with.

Plex payloads drift between server versions (ids as strings or ints, booleans as "0"/"1",
optional keys missing), so every parser accepts the variants seen in the wild and rejects
only what cannot be used at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from .exceptions import PlexInvalidResponseError

type JSONObject = Mapping[str, Any]


def media_container(data: Any) -> JSONObject:
    """Return the `MediaContainer` object of a REST payload."""
    if not isinstance(data, Mapping) or not isinstance(
        container := data.get("MediaContainer"), Mapping
    ):
        raise PlexInvalidResponseError("response has no MediaContainer object")
    return container


def as_list(value: Any, name: str) -> list[Any]:
    """Return a child list, accepting a single object or nothing."""
    if value is None:
        return []
    if isinstance(value, Mapping):
        return [value]
    if not isinstance(value, list):
        raise PlexInvalidResponseError(f"{name} is not a list")
    return value


def as_timestamp(value: Any) -> datetime | None:
    """Map Plex's epoch seconds to a UTC datetime; None for 0, nonsense or absurd values."""
    seconds = as_int(value)
    if seconds is None or seconds <= 0:
        return None
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except OverflowError, OSError, ValueError:
        return None


def as_text(value: Any) -> str:
    """Return a text field; numbers as text, anything else as ""."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def as_id(value: Any) -> str | None:
    """Return an id (a number or a non-blank text) as text; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and (value := value.strip()):
        return value
    return None


def as_int(value: Any) -> int | None:
    """Return an integer field, given as a number or as text; None otherwise."""
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


def as_bool(value: Any) -> bool:
    """Return a flag given as a boolean, 0/1 or "true"; False for anything else."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value == 1
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true"}
    return False


def as_object(value: Any) -> Mapping[str, Any]:
    """Return a copy of an object field; an empty one if it is not an object."""
    if isinstance(value, Mapping):
        return dict(value)
    return {}
