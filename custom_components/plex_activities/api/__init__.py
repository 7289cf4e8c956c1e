"""Typed asyncio client for a Plex Media Server's activities (no Home Assistant imports)."""

from .account import ConnectionKind, PlexPin, PlexResource
from .activities import Activity, ActivityEvent, ActivityEventType
from .client import PlexClient
from .cooperative import yield_if_busy
from .exceptions import (
    PlexAuthenticationError,
    PlexChannelRefusedError,
    PlexConnectionError,
    PlexError,
    PlexEventSourceRefusedError,
    PlexInvalidResponseError,
    PlexNotAllowedError,
    PlexNotCancellableError,
    PlexNotFoundError,
    PlexRateLimitedError,
    PlexRedirectError,
    PlexSSLError,
    PlexTimeoutError,
    PlexWebsocketRefusedError,
)
from .frames import SkippedFrameError, parse_notification
from .gdm import GDM_ADDRESS
from .notifications import ListenerStats, NotificationListener
from .operations import ButlerTask, StartedWork, parse_butler_tasks
from .plextv import PLEX_AUTH_APP_URL, PLEX_TV_URL, PlexTvClient
from .probe import Candidate, candidates, probe
from .reconnect import Backoff
from .server import LibrarySection, ServerInfo, parse_library_sections
from .streams import Transport

__all__ = [
    "GDM_ADDRESS",
    "PLEX_AUTH_APP_URL",
    "PLEX_TV_URL",
    "Activity",
    "ActivityEvent",
    "ActivityEventType",
    "Backoff",
    "ButlerTask",
    "Candidate",
    "ConnectionKind",
    "LibrarySection",
    "ListenerStats",
    "NotificationListener",
    "PlexAuthenticationError",
    "PlexChannelRefusedError",
    "PlexClient",
    "PlexConnectionError",
    "PlexError",
    "PlexEventSourceRefusedError",
    "PlexInvalidResponseError",
    "PlexNotAllowedError",
    "PlexNotCancellableError",
    "PlexNotFoundError",
    "PlexPin",
    "PlexRateLimitedError",
    "PlexRedirectError",
    "PlexResource",
    "PlexSSLError",
    "PlexTimeoutError",
    "PlexTvClient",
    "PlexWebsocketRefusedError",
    "ServerInfo",
    "SkippedFrameError",
    "StartedWork",
    "Transport",
    "candidates",
    "parse_butler_tasks",
    "parse_library_sections",
    "parse_notification",
    "probe",
    "yield_if_busy",
]
