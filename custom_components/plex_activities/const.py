"""Constants of the Plex Activities integration."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Final

DOMAIN: Final = "plex_activities"
LOGGER: Final = logging.getLogger(__package__)

CONF_CLIENT_IDENTIFIER: Final = "client_identifier"
# Only in entries set up by signing in with Plex: the plex.tv account token, with which
# the integration asks plex.tv for the server's current addresses when its own fails.
CONF_ACCOUNT_TOKEN: Final = "account_token"  # noqa: S105 - a key, not a secret

DEFAULT_PORT: Final = 32400

# The websocket is the source of truth; REST only resyncs. While the websocket is up a
# slow safety poll catches anything a lost frame could leave behind; while it is down
# REST is all there is, so it polls faster.
SAFETY_POLL_INTERVAL: Final = timedelta(minutes=5)
FALLBACK_POLL_INTERVAL: Final = timedelta(seconds=30)
# Raise a repair issue when REST works but the websocket has not connected for this long.
WEBSOCKET_REPAIR_AFTER: Final = timedelta(minutes=10)
# The summary sensor lists the activities; progress-only changes reach it at most this often.
SUMMARY_COALESCE_SECONDS: Final = 1.0
# At most this many activities of a server have a sensor of their own: the ones that have
# run longest. The Activities sensor counts every activity and lists these; the others
# get their sensor as those end. Plex seldom runs more than a handful at once, but a
# server can report thousands (a mass scan), and thousands of entities appearing at once
# would bloat the registry, the frontend's state and the garbage collector's work.
MAX_ACTIVITY_SENSORS: Final = 1000

ATTR_ACTIVITY_ID: Final = "activity_id"
ATTR_CONFIG_ENTRY_ID: Final = "config_entry_id"

SERVICE_CANCEL: Final = "cancel"

EVENT_STARTED: Final = "started"
EVENT_ENDED: Final = "ended"

# Activity types with a translated entity name and their own icon; others use Plex's title.
KNOWN_ACTIVITY_TYPES: Final = {
    "library.update.section": "library_scan",
    "library.refresh.items": "metadata_refresh",
    "library.update.item.metadata": "metadata_refresh",
    "media.generate.chapter.thumbs": "media_analysis",
    "media.generate.credits": "media_analysis",
    "media.generate.intros": "media_analysis",
    "media.generate.bif": "media_analysis",
    "media.generate.voice.activity": "media_analysis",
    "provider.epg.load": "epg_load",
    "provider.subscriptions.process": "subscriptions",
    "media.download": "download",
    "butler": "butler",
}
