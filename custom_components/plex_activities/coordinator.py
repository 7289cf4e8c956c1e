"""The coordinator: activity state pushed by the websocket, resynced over REST."""

from __future__ import annotations

from typing import TYPE_CHECKING, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    ConfigEntryError,
    HomeAssistantError,
)
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .address_switch import async_check_address
from .api import (
    Activity,
    PlexAuthenticationError,
    PlexClient,
    PlexError,
    PlexInvalidResponseError,
    PlexSSLError,
    ServerInfo,
)
from .const import DOMAIN, FALLBACK_POLL_INTERVAL, LOGGER
from .libraries import Libraries
from .tracker import ActivityTracker, LifecycleListener, TrackedActivity
from .websocket import WebsocketSupervisor

if TYPE_CHECKING:
    from .api import LibrarySection, NotificationListener

type PlexActivitiesConfigEntry = ConfigEntry[PlexActivitiesCoordinator]


def update_error(err: PlexError, url: str) -> HomeAssistantError:
    """Return the translated error of a failed setup or resync."""
    placeholders = {"url": url, "error": str(err)}
    if isinstance(err, PlexAuthenticationError):
        return ConfigEntryAuthFailed(
            translation_domain=DOMAIN,
            translation_key="invalid_auth",
            translation_placeholders=placeholders,
        )
    key = "cannot_connect"
    if isinstance(err, PlexSSLError):
        key = "ssl_error"
    elif isinstance(err, PlexInvalidResponseError):
        key = "invalid_response"
    return UpdateFailed(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders,
    )


class PlexActivitiesCoordinator(DataUpdateCoordinator[dict[str, TrackedActivity]]):
    """Keeps a server's running activities current: pushed, resynced, cancelled.

    The websocket is the source of truth: every notification carries the whole activity
    and is applied directly. REST resyncs on every (re)connect and as a slow safety poll.
    The activities and their listeners live in the `ActivityTracker`.
    """

    config_entry: PlexActivitiesConfigEntry
    server: ServerInfo

    def __init__(
        self,
        hass: HomeAssistant,
        entry: PlexActivitiesConfigEntry,
        client: PlexClient,
    ) -> None:
        """Set up the coordinator; the first refresh loads the server and activities."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {entry.title}",
            update_interval=FALLBACK_POLL_INTERVAL,
            always_update=False,
        )
        self.client = client
        self.tracker = ActivityTracker()
        self._libraries = Libraries(hass, entry, client)
        self.tracker.add_lifecycle_listener(self._libraries.lifecycle)
        self.websocket = WebsocketSupervisor(self)

    @property
    def activities(self) -> dict[str, TrackedActivity]:
        """Return the running activities by uuid, oldest first."""
        return self.tracker.activities

    @property
    def listener(self) -> NotificationListener:
        """Return the notification listener (the `websocket` supervisor runs it)."""
        return self.websocket.listener

    @property
    def libraries(self) -> dict[str, LibrarySection]:
        """Return the known library sections by section id (maybe none)."""
        return self._libraries.sections

    @property
    def libraries_listed(self) -> bool:
        """Return whether `libraries` is what the server listed (not unknown yet)."""
        return self._libraries.listed

    def library_of(self, activity: Activity) -> LibrarySection | None:
        """Return the library an activity works on, if known (no I/O)."""
        return self._libraries.of(activity)

    # --- REST --------------------------------------------------------------------

    @override
    async def _async_setup(self) -> None:
        """Load what does not change while the entry is loaded: the server."""
        try:
            self.server = await self.client.server_info()
        except PlexError as err:
            raise update_error(err, self.client.url) from err
        if self.server.machine_identifier != self.config_entry.unique_id:
            raise ConfigEntryError(
                translation_domain=DOMAIN,
                translation_key="wrong_server",
                translation_placeholders={"url": self.client.url},
            )

    @override
    async def _async_update_data(self) -> dict[str, TrackedActivity]:
        """Resync the activities over REST."""
        fetched_at = self.tracker.snapshot_stamp()
        try:
            activities = await self.client.activities()
        except PlexError as err:
            # An outage after setup (at setup: "not ready"; a rejected token: reauth).
            if self.data is not None and not isinstance(err, PlexAuthenticationError):
                self._set_available(error=err)
            raise update_error(err, self.client.url) from err
        self._set_available(error=None)
        if self._libraries.asked:
            self._libraries.async_request_refresh()
        else:  # the first resync: names before the first sensors are made
            await self._libraries.async_refresh()
        await self.tracker.async_apply_snapshot(activities, fetched_at)
        self.websocket.check_issue()
        return self.activities

    def _set_available(self, *, error: PlexError | None) -> None:
        """Log that Plex was lost (with the error) or is back, once per change.

        The coordinator's own `last_update_success` is the one availability: entities
        are unavailable while it is False. It is set here, before the refresh ends,
        so the coordinator sees no change and logs none of its own lines (an error
        when lost, "recovered" when back); ours are a warning and an info line.
        """
        available = error is None
        if available == self.last_update_success:
            return
        self.last_update_success = available
        if available:
            LOGGER.info("Plex server %s is available again", self.client.url)
        else:
            LOGGER.warning("Plex server %s is unavailable: %s", self.client.url, error)
            async_check_address(self.hass, self.config_entry)
        # Now, not when the refresh ends: the entities are available again before the
        # resync's starts and ends fire (an automation ignores those from unavailable).
        self.async_update_listeners()

    @callback
    def async_add_activity_listener(
        self, uuid: str, update_callback: CALLBACK_TYPE
    ) -> CALLBACK_TYPE:
        """Call `update_callback` whenever this one activity changes."""
        return self.tracker.add_activity_listener(uuid, update_callback)

    @callback
    def async_add_lifecycle_listener(
        self, listener: LifecycleListener
    ) -> CALLBACK_TYPE:
        """Call `listener` when an activity starts or ends."""
        return self.tracker.add_lifecycle_listener(listener)

    @callback
    def async_request_library_refresh(self) -> None:
        """List the libraries again soon (a scan ended: its `scannedAt` changed)."""
        self._libraries.async_request_refresh()

    @callback
    def async_add_library_listener(self, listener: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call `listener` when the libraries or their fields change."""
        return self._libraries.add_listener(listener)

    @callback
    def async_add_any_update_listener(
        self, update_callback: CALLBACK_TYPE
    ) -> CALLBACK_TYPE:
        """Call `update_callback` when any running activity changes (not starts/ends)."""
        return self.tracker.add_any_update_listener(update_callback)
