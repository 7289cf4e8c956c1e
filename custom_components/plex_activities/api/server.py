"""What the server tells about itself and its library sections."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .exceptions import PlexInvalidResponseError
from .fields import as_bool, as_id, as_list, as_text, as_timestamp, media_container

if TYPE_CHECKING:
    from datetime import datetime


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
        machine_identifier = as_id(container.get("machineIdentifier"))
        if machine_identifier is None:
            raise PlexInvalidResponseError("server info has no machineIdentifier")
        return cls(
            machine_identifier=machine_identifier,
            friendly_name=as_text(container.get("friendlyName")) or "Plex Media Server",
            version=as_text(container.get("version")),
            platform=as_text(container.get("platform")),
            platform_version=as_text(container.get("platformVersion")),
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
        if not isinstance(data, Mapping) or (key := as_id(data.get("key"))) is None:
            return None
        return cls(
            key=key,
            title=as_text(data.get("title")) or key,
            type=as_text(data.get("type")),
            refreshing=as_bool(data.get("refreshing")),
            scanned_at=as_timestamp(data.get("scannedAt")),
            locations=_as_locations(data.get("Location")),
        )


def parse_library_sections(data: Any) -> list[LibrarySection]:
    """Parse `GET /library/sections`; entries without a key are left out."""
    entries = as_list(media_container(data).get("Directory"), "Directory")
    return [s for e in entries if (s := LibrarySection.from_json(e)) is not None]


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
