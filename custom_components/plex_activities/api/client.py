"""A small typed asyncio client for the parts of the Plex Media Server API we need.

The client is assembled from its parts: the REST core (rest.py: requests and the one
mapping of failures to errors), the notification channels (channels.py), the requests
that start or stop work (operations.py), and here what it reads: the server, its
activities and libraries, and cancelling an activity.
"""

from __future__ import annotations

import time
from urllib.parse import quote

from .activities import Activity, activity_entries, parse_activity_entry
from .channels import NotificationChannels
from .cooperative import yield_if_busy
from .operations import ServerOperations
from .server import LibrarySection, ServerInfo, parse_library_sections


class PlexClient(NotificationChannels, ServerOperations):
    """Talks to one Plex Media Server over HTTP(S) and its notification channels.

    The token travels only in the `X-Plex-Token` header, never in a URL.
    """

    def __repr__(self) -> str:
        """Return a representation that names the server but never the token."""
        return f"PlexClient(url={str(self._base)!r})"

    @property
    def url(self) -> str:
        """Return the server's base URL."""
        return str(self._base)

    async def identity(self) -> ServerInfo:
        """Return who the server is (`GET /identity`, no token needed).

        Only the machine identifier and the version are known from it.
        """
        return ServerInfo.from_json(
            await self._request("GET", "/identity", authenticated=False)
        )

    async def server_info(self) -> ServerInfo:
        """Return the server's name, id and version (`GET /`); validates the token."""
        return ServerInfo.from_json(await self._request("GET", "/"))

    async def activities(self) -> list[Activity]:
        """Return the running activities (`GET /activities`).

        Entries that are not activities are left out. Thousands of them (a mass scan)
        are parsed in slices, letting the event loop run in between.
        """
        entries = activity_entries(await self._request("GET", "/activities"))
        activities: list[Activity] = []
        busy_since = time.monotonic()
        for index, entry in enumerate(entries):
            if (activity := parse_activity_entry(entry)) is not None:
                activities.append(activity)
            if index % 64 == 63:
                busy_since = await yield_if_busy(busy_since)
        return activities

    async def library_sections(self) -> list[LibrarySection]:
        """Return the library sections (`GET /library/sections`)."""
        return parse_library_sections(await self._request("GET", "/library/sections"))

    async def cancel_activity(self, uuid: str) -> None:
        """Cancel a running activity (`DELETE /activities/{uuid}`).

        Raises PlexNotCancellableError (400), PlexNotFoundError (404, e.g. it ended)
        or PlexNotAllowedError (someone else's activity on a server shared with the
        user).
        """
        await self._request(
            "DELETE", f"/activities/{quote(uuid, safe='')}", expect_json=False
        )
