"""A small typed asyncio client for the parts of the Plex Media Server API we need."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
import json
import ssl
import time
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import quote

import aiohttp
from yarl import URL

from .activities import Activity, activity_entries, parse_activity_entry
from .cooperative import yield_if_busy
from .exceptions import (
    PlexAuthenticationError,
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
from .identification import plex_headers
from .operations import ACTIVITY_HEADER, Answer, ServerOperations
from .server import LibrarySection, ServerInfo, parse_library_sections

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Mapping

NOTIFICATIONS_PATH: Final = "/:/websockets/notifications"
EVENTSOURCE_PATH: Final = "/:/eventsource/notifications"
# A stream stays open for as long as it works: no total timeout, whatever the session's.
_STREAM_TIMEOUT: Final = aiohttp.ClientTimeout(total=None, sock_read=None)
# Frames above MAX_FRAME_BYTES are skipped by the parser; aiohttp's own limit sits above it
# so that an oversized frame is counted and skipped instead of breaking the connection.
MAX_FRAME_BYTES: Final = 1024 * 1024
_WS_MAX_MSG_SIZE: Final = 16 * MAX_FRAME_BYTES
# The statuses of a rejected token: 401 (wrong or revoked) and 403 as Plex answers them;
# 498 is plex.tv's "token expired" for its expiring tokens, which Plex may use as well.
TOKEN_REJECTED_STATUSES: Final = frozenset({401, 403, 498})
TOKEN_EXPIRED_STATUS: Final = 498
# What every user of a server may do, so a refusal of these is always the token's fault.
_TOKEN_CHECKS: Final = frozenset({("GET", "/"), ("GET", "/activities")})


class PlexClient(ServerOperations):
    """Talks to one Plex Media Server over HTTP(S) and its notification websocket.

    The token travels only in the `X-Plex-Token` header, never in a URL.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        token: str,
        *,
        client_identifier: str,
        verify_ssl: bool = True,
        request_timeout: float = 10.0,
        product: str = "Plex Activities for Home Assistant",
        version: str = "0.1.0",
        device_name: str = "Home Assistant",
    ) -> None:
        """Set up the client; no I/O happens until a method is awaited."""
        self._session = session
        self._base = URL(url.rstrip("/"))
        self._token = token
        self._ssl: bool = verify_ssl
        self.request_timeout = request_timeout
        self._headers: Final = plex_headers(
            client_identifier, product, version, device_name
        )

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

    @asynccontextmanager
    async def connect_notifications(
        self, *, filters: str = "activity"
    ) -> AsyncIterator[aiohttp.ClientWebSocketResponse]:
        """Open the notification websocket; the token goes in the upgrade's header.

        Pings are not answered automatically (`autoping=False`): the reader answers the
        server's pings and runs its own keepalive (see NotificationListener).
        """
        url = self._build_url(NOTIFICATIONS_PATH, websocket=True).with_query(
            filters=filters
        )
        try:
            async with asyncio.timeout(self.request_timeout):
                websocket = await self._session.ws_connect(
                    url,
                    headers={**self._headers, "X-Plex-Token": self._token},
                    autoping=False,
                    ssl=self._ssl,
                    max_msg_size=_WS_MAX_MSG_SIZE,
                )
        except aiohttp.WSServerHandshakeError as err:
            # The handshake error carries the request headers (and so the token): never chain it.
            if err.status in TOKEN_REJECTED_STATUSES:
                raise PlexAuthenticationError(
                    f"{self._base} rejected the token (HTTP {err.status})"
                ) from None
            raise PlexWebsocketRefusedError(
                f"{self._base} refused the notification websocket (HTTP {err.status})"
            ) from None
        except (aiohttp.ClientError, OSError, TimeoutError) as err:
            raise self._map_transport_error(err, "notification websocket") from None
        try:
            yield websocket
        finally:
            await websocket.close()

    @asynccontextmanager
    async def connect_eventsource(
        self, *, filters: str = "activity"
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        """Open the notification EventSource; the token goes in the request's header.

        The answer's body is a `text/event-stream` (see EventStreamDecoder); its headers
        arrive within the request timeout, the stream itself has none.
        """
        url = self._build_url(EVENTSOURCE_PATH).with_query(filters=filters)
        headers = {
            **self._headers,
            "Accept": "text/event-stream",
            "X-Plex-Token": self._token,
        }
        try:
            async with asyncio.timeout(self.request_timeout):
                response = await self._session.get(
                    url, headers=headers, ssl=self._ssl, timeout=_STREAM_TIMEOUT
                )
        except (aiohttp.ClientError, OSError, TimeoutError) as err:
            raise self._map_transport_error(err, "notification EventSource") from None
        try:
            if response.status in TOKEN_REJECTED_STATUSES:
                raise PlexAuthenticationError(
                    f"{self._base} rejected the token (HTTP {response.status})"
                )
            if response.status != 200:
                raise PlexEventSourceRefusedError(
                    f"{self._base} refused the notification EventSource "
                    f"(HTTP {response.status})"
                )
            yield response
        finally:
            response.close()

    def _build_url(self, path: str, *, websocket: bool = False) -> URL:
        url = URL(str(self._base) + path, encoded=True)
        if websocket:
            url = url.with_scheme("wss" if self._base.scheme == "https" else "ws")
        return url

    async def _request(
        self,
        method: str,
        path: str,
        *,
        authenticated: bool = True,
        expect_json: bool = True,
    ) -> Any:
        """Make one request and map every failure onto our exceptions."""
        answer = await self._send(method, path, authenticated=authenticated)
        if not expect_json:
            return None
        try:
            return json.loads(answer.body)
        except ValueError:
            raise PlexInvalidResponseError(
                f"{method} {path}: the answer is not JSON"
            ) from None

    async def _send(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, str] | None = None,
        authenticated: bool = True,
    ) -> Answer:
        """Make one request; return its answer if the status is a success."""
        headers = dict(self._headers)
        if authenticated:
            headers["X-Plex-Token"] = self._token
        what = f"{method} {path}"
        url = self._build_url(path)
        if query:
            url = url.with_query(query)
        try:
            async with (
                asyncio.timeout(self.request_timeout),
                self._session.request(
                    method, url, headers=headers, ssl=self._ssl
                ) as response,
            ):
                status = response.status
                activity = response.headers.get(ACTIVITY_HEADER, "").strip()
                body = await response.read()
        except (aiohttp.ClientError, OSError, TimeoutError) as err:
            raise self._map_transport_error(err, what) from None

        if status in TOKEN_REJECTED_STATUSES:
            raise await self._refusal(method, path, status)
        if status == 404:
            raise PlexNotFoundError(f"{what}: not found (HTTP 404)")
        if status == 400 and method == "DELETE":
            raise PlexNotCancellableError(f"{what}: not cancellable (HTTP 400)")
        if status >= 500:
            raise PlexConnectionError(
                f"{self._base} is not available ({what}: HTTP {status})"
            )
        if status >= 300:
            raise PlexInvalidResponseError(f"{what}: unexpected HTTP {status}")
        return Answer(status=status, activity_id=activity or None, body=body)

    async def _refusal(self, method: str, path: str, status: int) -> PlexError:
        """Tell a rejected token from a request its user may not make.

        Plex answers both with 401 or 403: a wrong or revoked token, and a user who is
        not the server's administrator asking for what only the administrator may do
        (cancelling someone else's activity, scanning a library of a shared server).
        A refusal of what every user may do (the server root, the activity list) or an
        expired token (498) is the token's fault. Anything else is checked by listing
        the activities once: a token that still lists them is fine, so the request
        was not allowed; a revoked token fails that list too and is reported as such.
        """
        what = f"{method} {path}"
        rejected = PlexAuthenticationError(
            f"{self._base} rejected the token ({what}: HTTP {status})"
        )
        if status == TOKEN_EXPIRED_STATUS or (method, path) in _TOKEN_CHECKS:
            return rejected
        try:
            await self._send("GET", "/activities")
        except PlexAuthenticationError:
            return rejected
        except PlexError:
            pass  # no answer either way: a mere refusal must not ask to sign in again
        return PlexNotAllowedError(
            f"{what}: not allowed for this token's user (HTTP {status})"
        )

    def _map_transport_error(self, err: BaseException, what: str) -> PlexError:
        """Turn an aiohttp/OS error into ours, with a message free of secrets."""
        if isinstance(err, TimeoutError | aiohttp.ServerTimeoutError):
            return PlexTimeoutError(
                f"{self._base} did not answer within {self.request_timeout:g} s ({what})"
            )
        if isinstance(
            err, aiohttp.ClientConnectorCertificateError | ssl.SSLCertVerificationError
        ) or (
            isinstance(err, aiohttp.ClientSSLError | ssl.SSLError)
            and "CERTIFICATE_VERIFY_FAILED" in str(err)
        ):
            return PlexSSLError(
                f"the TLS certificate of {self._base} could not be verified ({what})"
            )
        return PlexConnectionError(
            f"cannot connect to {self._base} ({what}: {type(err).__name__})"
        )
