"""The ``MediaContainer`` payloads of the REST routes, in their JSON shape.

The XML form is derived from the same structures by :mod:`plex_simulator.render`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
import uuid as uuid_module

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from plex_simulator.state import Library, ServerIdentity

# The children of the server root as (key, count); a real server lists the same.
_ROOT_DIRECTORIES: tuple[tuple[str, int], ...] = (
    ("activities", 1),
    ("butler", 1),
    ("channels", 1),
    ("clients", 1),
    ("devices", 1),
    ("diagnostics", 1),
    ("hubs", 1),
    ("library", 3),
    ("livetv", 3),
    ("media", 3),
    ("metadata", 2),
    ("neighborhood", 1),
    ("playQueues", 1),
    ("player", 1),
    ("playlists", 1),
    ("resources", 1),
    ("search", 1),
    ("server", 1),
    ("servers", 1),
    ("statistics", 1),
    ("system", 1),
    ("transcode", 1),
    ("updater", 1),
    ("user", 1),
)

# The agent and scanner Plex assigns by default to each section type.
_AGENTS: dict[str, tuple[str, str]] = {
    "movie": ("tv.plex.agents.movie", "Plex Movie"),
    "show": ("tv.plex.agents.series", "Plex TV Series"),
    "artist": ("tv.plex.agents.music", "Plex Music"),
    "photo": ("com.plexapp.agents.none", "Plex Photo Scanner"),
}

# A fixed point in time so repeated responses stay identical.
_CREATED_AT = 1_700_000_000
_UPDATED_AT = 1_730_000_000


def identity_container(identity: ServerIdentity) -> dict[str, Any]:
    """Build the ``GET /identity`` payload.

    Args:
        identity: The server identity.

    Returns:
        The JSON document.
    """
    return {
        "MediaContainer": {
            "size": 0,
            "apiVersion": identity.api_version,
            "claimed": True,
            "machineIdentifier": identity.machine_identifier,
            "version": identity.version,
        }
    }


def root_container(identity: ServerIdentity) -> dict[str, Any]:
    """Build the ``GET /`` (server root) payload.

    Args:
        identity: The server identity.

    Returns:
        The JSON document.
    """
    directories = [
        {"count": count, "key": key, "title": key} for key, count in _ROOT_DIRECTORIES
    ]
    return {
        "MediaContainer": {
            "size": len(directories),
            "allowCameraUpload": True,
            "allowChannelAccess": True,
            "allowMediaDeletion": True,
            "allowSharing": True,
            "allowSync": True,
            "allowTuners": True,
            "backgroundProcessing": True,
            "certificate": True,
            "companionProxy": True,
            "countryCode": "usa",
            "diagnostics": "logs,databases,streaminglogs",
            "eventStream": True,
            "friendlyName": identity.friendly_name,
            "hubSearch": True,
            "itemClusters": True,
            "livetv": 7,
            "machineIdentifier": identity.machine_identifier,
            "mediaProviders": True,
            "multiuser": True,
            "myPlex": True,
            "myPlexMappingState": "mapped",
            "myPlexSigninState": "ok",
            "myPlexSubscription": True,
            "myPlexUsername": identity.my_plex_username,
            "offlineTranscode": 1,
            "ownerFeatures": "activities,dvr,hardware_transcoding,livetv,webhooks",
            "photoAutoTag": True,
            "platform": identity.platform,
            "platformVersion": identity.platform_version,
            "pluginHost": True,
            "pushNotifications": False,
            "readOnlyLibraries": False,
            "streamingBrainABRVersion": 3,
            "streamingBrainVersion": 2,
            "sync": True,
            "transcoderActiveVideoSessions": 0,
            "transcoderAudio": True,
            "transcoderLyrics": True,
            "transcoderPhoto": True,
            "transcoderSubtitles": True,
            "transcoderVideo": True,
            "updatedAt": _UPDATED_AT,
            "updater": True,
            "version": identity.version,
            "voiceSearch": True,
            "Directory": directories,
        }
    }


def activities_container(activities: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Build the ``GET /activities`` payload.

    Args:
        activities: The running activities in their JSON shape.

    Returns:
        The JSON document; without an ``Activity`` key when nothing runs.
    """
    items = list(activities)
    container: dict[str, Any] = {"size": len(items)}
    if items:
        container["Activity"] = items
    return {"MediaContainer": container}


def scanning_sections(activities: Iterable[dict[str, Any]]) -> set[str]:
    """Return the keys of the library sections that a running scan names.

    Args:
        activities: The running activities in their JSON shape.

    Returns:
        The section keys as strings.
    """
    sections: set[str] = set()
    for activity in activities:
        if activity.get("type") != "library.update.section":
            continue
        section = activity.get("Context", {}).get("librarySectionID")
        if section is not None:
            sections.add(str(section))
    return sections


def sections_container(
    identity: ServerIdentity,
    libraries: Sequence[Library],
    refreshing: set[str],
    scanned_at: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """Build the ``GET /library/sections`` payload.

    Args:
        identity: The server identity (seeds the stable section uuids).
        libraries: The library sections.
        refreshing: The keys of sections with a running scan.
        scanned_at: When sections were last scanned, by key (epoch seconds).

    Returns:
        The JSON document.
    """
    directories = [
        _section(
            identity,
            library,
            refreshing=library.key in refreshing,
            scanned_at=(scanned_at or {}).get(library.key, _UPDATED_AT),
        )
        for library in libraries
    ]
    container: dict[str, Any] = {
        "size": len(directories),
        "allowSync": False,
        "title1": "Plex Library",
    }
    if directories:
        container["Directory"] = directories
    return {"MediaContainer": container}


def _section(
    identity: ServerIdentity, library: Library, *, refreshing: bool, scanned_at: int
) -> dict[str, Any]:
    """Build one ``Directory`` entry of ``/library/sections``."""
    agent, scanner = _AGENTS.get(library.type, ("tv.plex.agents.none", "Plex Scanner"))
    section_uuid = uuid_module.uuid5(
        uuid_module.NAMESPACE_URL,
        f"plex-simulator:{identity.machine_identifier}:{library.key}",
    )
    return {
        "allowSync": True,
        "art": f"/:/resources/{library.type}-fanart.jpg",
        "composite": f"/library/sections/{library.key}/composite/{_UPDATED_AT}",
        "filters": True,
        "refreshing": refreshing,
        "thumb": f"/:/resources/{library.type}.png",
        "key": library.key,
        "type": library.type,
        "title": library.title,
        "agent": agent,
        "scanner": scanner,
        "language": "en-US",
        "uuid": str(section_uuid),
        "updatedAt": _UPDATED_AT,
        "createdAt": _CREATED_AT,
        "scannedAt": scanned_at,
        "content": True,
        "directory": True,
        "contentChangedAt": 1000 + int(library.key) if library.key.isdigit() else 1000,
        "hidden": 0,
        "Location": [
            {
                "id": int(library.key) if library.key.isdigit() else 1,
                "path": f"/data/{library.title}",
            }
        ],
    }
