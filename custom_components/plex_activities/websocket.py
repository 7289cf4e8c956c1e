"""Supervising the live notifications: connect, resync, poll faster while they are down.

The `NotificationListener` (in `api/`) keeps the connection up and owns the reconnect
policy. This module runs it for as long as the entry is loaded and reacts to what it
reports: every (re)connect resyncs over REST and slows the polls to the safety cadence;
a lost connection moves them to the fallback cadence (asking REST at once whether Plex
itself is gone); a rejected token starts a reauth; and when REST works but the
notifications stay away for `WEBSOCKET_REPAIR_AFTER`, a repair issue says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from .api import (
    NotificationListener,
    PlexAuthenticationError,
    PlexChannelRefusedError,
    PlexError,
)
from .channels import channel_errors
from .const import (
    DOMAIN,
    FALLBACK_POLL_INTERVAL,
    LOGGER,
    SAFETY_POLL_INTERVAL,
    WEBSOCKET_REPAIR_AFTER,
)

if TYPE_CHECKING:
    from datetime import datetime

    from .coordinator import PlexActivitiesCoordinator

ISSUE_WEBSOCKET = "websocket_unavailable"


class WebsocketSupervisor:
    """Runs a server's notification listener and sets the REST cadence after it."""

    def __init__(self, coordinator: PlexActivitiesCoordinator) -> None:
        """Set up the listener; `async_start` runs it."""
        self._coordinator = coordinator
        self.listener = NotificationListener(
            coordinator.client,
            on_events=coordinator.tracker.apply_events,
            on_connected=self._async_connected,
            on_disconnected=self._disconnected,
        )
        # Since when the notifications are down (None while connected).
        self.down_since: datetime | None = dt_util.utcnow()
        # Whether the polls run at the fallback cadence (they do until connected).
        self._fallback_polling = True
        self._connected_listeners: list[CALLBACK_TYPE] = []

    @callback
    def async_add_connected_listener(self, listener: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call `listener` after each (re)connect whose resync worked."""
        self._connected_listeners.append(listener)
        return lambda: self._connected_listeners.remove(listener)

    @callback
    def async_start(self) -> None:
        """Run the listener for as long as the entry is loaded."""
        entry = self._coordinator.config_entry
        hass = self._coordinator.hass
        entry.async_create_background_task(
            hass, self._async_listen(), f"{DOMAIN} websocket {entry.title}"
        )
        # The repair issue is about this entry's connection: it goes with the entry.
        entry.async_on_unload(
            lambda: ir.async_delete_issue(hass, DOMAIN, self.issue_id)
        )

    async def _async_listen(self) -> None:
        try:
            await self.listener.run()
        except PlexAuthenticationError:
            LOGGER.debug("Notification websocket stopped: the token was rejected")
            self._coordinator.config_entry.async_start_reauth(self._coordinator.hass)

    async def _async_connected(self) -> bool:
        """Resync after every (re)connect; return whether it worked."""
        coordinator = self._coordinator
        LOGGER.debug("Notification websocket to %s connected", coordinator.client.url)
        self.down_since = None
        self._fallback_polling = False
        ir.async_delete_issue(coordinator.hass, DOMAIN, self.issue_id)
        coordinator.update_interval = SAFETY_POLL_INTERVAL
        await coordinator.async_refresh()
        if coordinator.last_update_success:
            for listener in list(self._connected_listeners):
                listener()
        return coordinator.last_update_success

    @callback
    def _disconnected(self, error: PlexError | None) -> None:
        coordinator = self._coordinator
        if self.down_since is None:
            LOGGER.debug(
                "Notification websocket to %s closed: %s", coordinator.client.url, error
            )
            self.down_since = dt_util.utcnow()
            coordinator.update_interval = FALLBACK_POLL_INTERVAL
        if error is None or isinstance(error, PlexAuthenticationError):
            # A clean close is followed at once by a reconnect, which resyncs.
            return
        if self._fallback_polling and (
            isinstance(error, PlexChannelRefusedError)
            or not coordinator.last_update_success
        ):
            # The fallback polls run already; a refused channel (a proxy without
            # websocket support) says nothing about Plex itself.
            return
        # Ask REST now: it tells whether Plex itself is gone, and it moves the polls to
        # the fallback cadence. The listener's backoff spaces these out.
        self._fallback_polling = True
        coordinator.config_entry.async_create_background_task(
            coordinator.hass, coordinator.async_refresh(), f"{DOMAIN} resync"
        )

    @property
    def issue_id(self) -> str:
        """Return the id of this entry's repair issue."""
        return f"{ISSUE_WEBSOCKET}_{self._coordinator.config_entry.entry_id}"

    def check_issue(self) -> None:
        """Raise the repair issue when REST works but notifications stay down."""
        down_since = self.down_since
        if down_since is None or dt_util.utcnow() - down_since < WEBSOCKET_REPAIR_AFTER:
            return
        coordinator = self._coordinator
        ir.async_create_issue(
            coordinator.hass,
            DOMAIN,
            self.issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=ISSUE_WEBSOCKET,
            translation_placeholders={
                "name": coordinator.config_entry.title,
                "url": coordinator.client.url,
                **channel_errors(self.listener.stats),
            },
        )
