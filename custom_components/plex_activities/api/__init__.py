"""Typed asyncio client for a Plex Media Server's activities (no Home Assistant imports)."""

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
    PlexSSLError,
    PlexTimeoutError,
    PlexWebsocketRefusedError,
)
from .frames import SkippedFrameError, parse_notification
from .notifications import ListenerStats, NotificationListener
from .operations import ButlerTask, StartedWork, parse_butler_tasks
from .reconnect import Backoff
from .server import LibrarySection, ServerInfo, parse_library_sections
from .streams import Transport

__all__ = [
    "Activity",
    "ActivityEvent",
    "ActivityEventType",
    "Backoff",
    "ButlerTask",
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
    "PlexSSLError",
    "PlexTimeoutError",
    "PlexWebsocketRefusedError",
    "ServerInfo",
    "SkippedFrameError",
    "StartedWork",
    "Transport",
    "parse_butler_tasks",
    "parse_library_sections",
    "parse_notification",
    "yield_if_busy",
]
