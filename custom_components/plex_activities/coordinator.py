"""The coordinator: activity state pushed by the websocket, resynced over REST."""

from __future__ import annotations

from typing import TYPE_CHECKING, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    ConfigEntryError,
    HomeAssistantError,
    ServiceValidationError,
)
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .address_switch import async_check_address
from .api import (
    Activity,
    NotificationListener,
    PlexAuthenticationError,
    PlexChannelRefusedError,
    PlexClient,
    PlexError,
    PlexInvalidResponseError,
    PlexNotCancellableError,
    PlexNotFoundError,
    PlexSSLError,
    ServerInfo,
)
from .channels import channel_errors
from .const import (
    DOMAIN,
    FALLBACK_POLL_INTERVAL,
    LOGGER,
    SAFETY_POLL_INTERVAL,
    WEBSOCKET_REPAIR_AFTER,
)
from .libraries import Libraries
from .tracker import ActivityTracker, LifecycleListener, TrackedActivity

if TYPE_CHECKING:
    from datetime import datetime

    from .api import LibrarySection

type PlexActivitiesConfigEntry = ConfigEntry[PlexActivitiesCoordinator]

ISSUE_WEBSOCKET = "websocket_unavailable"


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
        self.server_available = True
        self.listener = NotificationListener(
            client,
            on_events=self.tracker.apply_events,
            on_connected=self._async_websocket_connected,
            on_disconnected=self._websocket_disconnected,
        )
        self._websocket_down_since: datetime | None = dt_util.utcnow()
        # Whether the polls run at the 30 s cadence (they do until the websocket is up).
        self._fallback_polling = True

    @property
    def activities(self) -> dict[str, TrackedActivity]:
        """Return the running activities by uuid, oldest first."""
        return self.tracker.activities

    @property
    def libraries(self) -> dict[str, LibrarySection]:
        """Return the known library sections by section id (maybe none)."""
        return self._libraries.sections

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
            raise self._setup_error(err) from err
        if self.server.machine_identifier != self.config_entry.unique_id:
            raise ConfigEntryError(
                translation_domain=DOMAIN,
                translation_key="wrong_server",
                translation_placeholders={"url": self.client.url},
            )

    @override
    async def _async_update_data(self) -> dict[str, TrackedActivity]:
        """Resync the activities over REST."""
        fetched_at = self.tracker.push_mark
        try:
            activities = await self.client.activities()
        except PlexAuthenticationError as err:
            raise self._setup_error(err) from err
        except PlexError as err:
            if self.data is None:  # the first refresh: setup is not ready
                raise self._setup_error(err) from err
            self._set_server_available(available=False, error=err)
            return self.activities
        self._set_server_available(available=True)
        if self._libraries.asked:
            self._libraries.async_request_refresh()
        else:  # the first resync: names before the first sensors are made
            await self._libraries.async_refresh()
        await self.tracker.async_apply_snapshot(activities, fetched_at)
        self._check_websocket_issue()
        return self.activities

    def _setup_error(self, err: PlexError) -> HomeAssistantError:
        placeholders = {"url": self.client.url, "error": str(err)}
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

    async def async_cancel(self, uuid: str) -> None:
        """Cancel an activity, raising translated errors for the action."""
        tracked = self.activities.get(uuid)
        refused = "not_cancellable"  # what Plex or the activity says, unless it went
        if tracked is None or tracked.activity.cancellable:
            try:
                await self.client.cancel_activity(uuid)
            except PlexNotCancellableError:
                pass
            except PlexNotFoundError:
                refused = "activity_not_found"
            except PlexAuthenticationError as err:
                self.config_entry.async_start_reauth(self.hass)
                raise HomeAssistantError(
                    translation_domain=DOMAIN, translation_key="cancel_auth_failed"
                ) from err
            except PlexError as err:
                raise HomeAssistantError(
                    translation_domain=DOMAIN,
                    translation_key="cancel_failed",
                    translation_placeholders={"error": str(err)},
                ) from err
            else:
                refused = ""
            if refused != "not_cancellable":
                # Over or gone: Plex confirms with an `ended` notification; don't wait.
                self.tracker.end_now(uuid)
        if refused:
            title = tracked.activity.title if tracked else ""
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key=refused,
                translation_placeholders={"title": title or uuid}
                if refused == "not_cancellable"
                else {"activity_id": uuid},
            )

    # --- websocket ---------------------------------------------------------------

    @callback
    def async_start_listener(self) -> None:
        """Run the websocket listener for as long as the entry is loaded."""
        self.config_entry.async_create_background_task(
            self.hass,
            self._async_listen(),
            f"{DOMAIN} websocket {self.config_entry.title}",
        )

    async def _async_listen(self) -> None:
        try:
            await self.listener.run()
        except PlexAuthenticationError:
            LOGGER.debug("Notification websocket stopped: the token was rejected")
            self.config_entry.async_start_reauth(self.hass)

    async def _async_websocket_connected(self) -> bool:
        """Resync after every (re)connect; return whether it worked."""
        LOGGER.debug("Notification websocket to %s connected", self.client.url)
        self._websocket_down_since = None
        self._fallback_polling = False
        ir.async_delete_issue(self.hass, DOMAIN, self._issue_id)
        self.update_interval = SAFETY_POLL_INTERVAL
        await self.async_refresh()
        return self.last_update_success and self.server_available

    @callback
    def _websocket_disconnected(self, error: PlexError | None) -> None:
        if self._websocket_down_since is None:
            LOGGER.debug(
                "Notification websocket to %s closed: %s", self.client.url, error
            )
            self._websocket_down_since = dt_util.utcnow()
            self.update_interval = FALLBACK_POLL_INTERVAL
        if error is None or isinstance(error, PlexAuthenticationError):
            # A clean close is followed at once by a reconnect, which resyncs.
            return
        if self._fallback_polling and (
            isinstance(error, PlexChannelRefusedError) or not self.server_available
        ):
            # The 30 s polls run already; a refused channel (a proxy without
            # websocket support) says nothing about Plex itself.
            return
        # Ask REST now: it tells whether Plex itself is gone, and it moves the polls to
        # the 30 s cadence. The listener's backoff spaces these out.
        self._fallback_polling = True
        self.config_entry.async_create_background_task(
            self.hass, self.async_refresh(), f"{DOMAIN} resync"
        )

    @property
    def _issue_id(self) -> str:
        return f"{ISSUE_WEBSOCKET}_{self.config_entry.entry_id}"

    def _check_websocket_issue(self) -> None:
        """Raise a repair issue when REST works but the websocket stays down."""
        down_since = self._websocket_down_since
        if down_since is None or dt_util.utcnow() - down_since < WEBSOCKET_REPAIR_AFTER:
            return
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            self._issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=ISSUE_WEBSOCKET,
            translation_placeholders={
                "name": self.config_entry.title,
                "url": self.client.url,
                **channel_errors(self.listener.stats),
            },
        )

    # --- availability and listeners ----------------------------------------------

    def _set_server_available(
        self, *, available: bool, error: PlexError | None = None
    ) -> None:
        if available == self.server_available:
            return
        self.server_available = available
        if available:
            LOGGER.info("Plex server %s is available again", self.client.url)
        else:
            LOGGER.warning("Plex server %s is unavailable: %s", self.client.url, error)
            async_check_address(self.hass, self.config_entry)
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
    def async_add_library_listener(self, listener: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call `listener` when the libraries or their fields change."""
        return self._libraries.add_listener(listener)

    @callback
    def async_add_any_update_listener(
        self, update_callback: CALLBACK_TYPE
    ) -> CALLBACK_TYPE:
        """Call `update_callback` when any running activity changes (not starts/ends)."""
        return self.tracker.add_any_update_listener(update_callback)
