"""The REST core of the Plex client: one request, and the one mapping of failures to errors.

Every HTTP status and transport failure of the server's API (REST and the notification
channels' handshakes) becomes one of our exceptions here, and nowhere else.
"""

from __future__ import annotations

import asyncio
import json
import ssl
from typing import TYPE_CHECKING, Any, Final

import aiohttp
from yarl import URL

from .exceptions import (
    PlexAuthenticationError,
    PlexChannelRefusedError,
    PlexConnectionError,
    PlexError,
    PlexInvalidResponseError,
    PlexNotAllowedError,
    PlexNotCancellableError,
    PlexNotFoundError,
    PlexRedirectError,
    PlexSSLError,
    PlexTimeoutError,
)
from .identification import plex_headers
from .operations import ACTIVITY_HEADER, Answer

if TYPE_CHECKING:
    from collections.abc import Mapping

# The statuses of a rejected token: 401 (wrong or revoked) and 403 as Plex answers them;
# 498 is plex.tv's "token expired" for its expiring tokens, which Plex may use as well.
TOKEN_REJECTED_STATUSES: Final = frozenset({401, 403, 498})
TOKEN_EXPIRED_STATUS: Final = 498
# What every user of a server may do, so a refusal of these is always the token's fault.
_TOKEN_CHECKS: Final = frozenset({("GET", "/"), ("GET", "/activities")})
# The websocket's schemes, as the http ones they upgrade.
_HTTP_SCHEMES: Final = {"ws": "http", "wss": "https"}
# A redirect that is not followed (it names no address) says so.
_REDIRECT_STATUSES: Final = frozenset({301, 302, 303, 307, 308})


class RestCore:
    """What every request to one server shares: its address, headers, token, errors.

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

    async def _stay_on_server(
        self, request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
    ) -> aiohttp.ClientResponse:
        """Let redirects move only within the server, so the token never goes elsewhere.

        A request middleware, so it sees every hop: the same scheme, host and port (a
        path that moved), or the same host over https where it was http (a proxy
        upgrading to TLS) go on; any other address is a PlexRedirectError before
        anything is sent there. aiohttp itself would send `X-Plex-Token` on to any
        address (it strips only `Authorization` and cookies).
        """
        url, base = request.url, self._base
        scheme = _HTTP_SCHEMES.get(url.scheme, url.scheme)  # the websocket's ws, wss
        same = url.host == base.host and (
            (scheme, url.port) == (base.scheme, base.port)
            or (base.scheme, scheme) == ("http", "https")
        )
        if not same:
            raise PlexRedirectError(
                f"{base} redirects elsewhere; use the address Plex answers at itself"
            )
        return await handler(request)

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
        except ValueError, RecursionError:  # not JSON, or nested beyond reason
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
                    method,
                    url,
                    headers=headers,
                    ssl=self._ssl,
                    middlewares=(self._stay_on_server,),
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
        if status in _REDIRECT_STATUSES:
            raise PlexRedirectError(
                f"{what}: {self._base} redirects elsewhere (HTTP {status}); use the"
                " address Plex answers at itself"
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

    async def channel_refusal(
        self, status: int, channel: str, refused: type[PlexChannelRefusedError]
    ) -> PlexError:
        """Map the HTTP answer that refused a notification channel onto our errors.

        498 is an expired token. 401 and 403 are what Plex answers a rejected token,
        but also what a proxy or firewall in front of Plex may answer for a channel it
        forbids. The activity list, which every user's token may read, tells them
        apart: a token it rejects too is rejected (reauth); a token it accepts was not
        the problem, so the channel is refused (the other transport and the REST polls
        carry on). Without an answer the channel counts as refused: a token that is
        really bad shows at the next poll.
        """
        rejected = PlexAuthenticationError(
            f"{self._base} rejected the token ({channel}: HTTP {status})"
        )
        if status == TOKEN_EXPIRED_STATUS:
            return rejected
        if status in TOKEN_REJECTED_STATUSES:
            try:
                await self._send("GET", "/activities")
            except PlexAuthenticationError:
                return rejected
            except PlexError:
                pass
        return refused(f"{self._base} refused the {channel} (HTTP {status})")

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
