"""The server's libraries: names that decorate activities, never a reason to fail.

`GET /library/sections` names the library a scan works on ("Scanning *Movies*"). The
list is fetched at every REST resync and whenever an activity names a section that is
not known yet; a failure there (a busy server timing out, a 5xx, a token that may not
list sections) is a debug line: activities show with Plex's own title until it works,
and no library counts as gone before the server has listed them. Until it has, the
list is asked for again after 30 s, twice as long each time, up to 5 minutes (the
safety resync's cadence): library entities are unavailable meanwhile.
Listeners hear when the libraries or their fields change, so names fill in later.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Final

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback

from .api import Backoff, PlexError
from .const import DOMAIN, LOGGER, SAFETY_POLL_INTERVAL
from .tracker import Lifecycle

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry

    from .api import Activity, LibrarySection, PlexClient
    from .tracker import TrackedActivity

# Until the server has listed its libraries once, ask again after about this long,
# twice as long each time (jittered), up to the safety resync's interval.
RETRY_SECONDS: Final = 30.0


class Libraries:
    """The library sections of one server by section id, and who follows them."""

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry, client: PlexClient
    ) -> None:
        """Start knowing no library."""
        self._hass = hass
        self._entry = entry
        self._client = client
        self.sections: dict[str, LibrarySection] = {}
        # Whether the sections were asked for at least once (whatever the answer).
        self.asked = False
        # Whether `sections` is what the server listed: until then none is known, which
        # is not the same as none existing.
        self.listed = False
        self._listeners: list[CALLBACK_TYPE] = []
        self._refreshing = False
        # A refresh was asked for while one ran: run one more when it ends.
        self._again = False
        # Unknown section ids that asked for a refresh since the last resync: each asks
        # once, so a section Plex does not list costs no request per activity.
        self._asked: set[str] = set()
        self._retry = Backoff(
            initial=RETRY_SECONDS, maximum=SAFETY_POLL_INTERVAL.total_seconds()
        )
        # Waiting to ask again (a background task: it ends with the entry).
        self._retrying: asyncio.Task[None] | None = None

    def of(self, activity: Activity) -> LibrarySection | None:
        """Return the library an activity works on, if known (no I/O)."""
        if (section_id := activity.library_section_id) is None:
            return None
        return self.sections.get(section_id)

    async def async_refresh(self) -> None:
        """Fetch the sections now; on failure keep what is known and say so at debug."""
        self._refreshing = True
        try:
            while True:
                self._again = False
                await self._async_fetch()
                if not self._again:
                    return
        finally:
            self._refreshing = False

    async def _async_fetch(self) -> None:
        self.asked = True
        try:
            sections = await self._client.library_sections()
        except PlexError as err:
            LOGGER.debug(
                "Could not list the libraries of %s: %s", self._client.url, err
            )
            if not self.listed and self._retrying is None:
                self._retrying = self._entry.async_create_background_task(
                    self._hass,
                    self._retry_later(self._retry.next_delay()),
                    f"{DOMAIN} library list retry",
                )
            return
        if self._retrying is not None:
            self._retrying.cancel()
            self._retrying = None
        self._retry.reset()
        fetched = {section.key: section for section in sections}
        if fetched != self.sections or not self.listed:
            self.sections = fetched
            self.listed = True
            for listener in list(self._listeners):
                listener()

    async def _retry_later(self, delay: float) -> None:
        await asyncio.sleep(delay)
        self._retrying = None
        self._request()

    @callback
    def async_request_refresh(self) -> None:
        """Refresh in the background (at a resync): once, however often asked meanwhile."""
        self._asked.clear()
        self._request()

    def _request(self) -> None:
        if self._refreshing:
            self._again = True
            return
        self._refreshing = True  # claimed now, in case the task starts later
        # A background task: unloading the entry (or stopping Home Assistant) cancels
        # it, rather than waiting for a server that may take its whole timeout.
        self._entry.async_create_background_task(
            self._hass, self.async_refresh(), f"{DOMAIN} libraries"
        )

    @callback
    def lifecycle(self, kind: Lifecycle, tracked: TrackedActivity) -> None:
        """Refresh when an activity starts on a library that is not known yet."""
        section_id = tracked.activity.library_section_id
        if (
            kind is Lifecycle.STARTED
            and section_id is not None
            and section_id not in self.sections
            and section_id not in self._asked
        ):
            self._asked.add(section_id)
            self._request()

    @callback
    def add_listener(self, listener: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call `listener` when the libraries or their fields change."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)
