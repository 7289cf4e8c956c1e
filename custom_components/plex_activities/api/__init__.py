"""Typed asyncio client for a Plex Media Server's activities (no Home Assistant imports)."""

from .client import PlexClient
from .exceptions import (
    PlexAuthenticationError,
    PlexConnectionError,
    PlexError,
    PlexInvalidResponseError,
    PlexNotCancellableError,
    PlexNotFoundError,
    PlexSSLError,
    PlexTimeoutError,
    PlexWebsocketRefusedError,
)
from .models import (
    Activity,
    ActivityEvent,
    ActivityEventType,
    LibrarySection,
    ServerInfo,
    parse_activities,
    parse_library_sections,
)
from .notifications import (
    Backoff,
    ListenerStats,
    NotificationListener,
    SkippedFrameError,
    parse_notification,
)

__all__ = [
    "Activity",
    "ActivityEvent",
    "ActivityEventType",
    "Backoff",
    "LibrarySection",
    "ListenerStats",
    "NotificationListener",
    "PlexAuthenticationError",
    "PlexClient",
    "PlexConnectionError",
    "PlexError",
    "PlexInvalidResponseError",
    "PlexNotCancellableError",
    "PlexNotFoundError",
    "PlexSSLError",
    "PlexTimeoutError",
    "PlexWebsocketRefusedError",
    "ServerInfo",
    "SkippedFrameError",
    "parse_activities",
    "parse_library_sections",
    "parse_notification",
]
