"""A small typed client for plex.tv: sign-in PINs and the account's servers.

The account token is as sensitive as a password: it travels only in the `X-Plex-Token`
header to plex.tv, never in a URL, and no message built here contains it (messages
name plex.tv's address and the HTTP status at most). Every request has a timeout.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
import json
from typing import Any, Final
from urllib.parse import quote, urlencode

import aiohttp
from yarl import URL

from .account import PlexPin, PlexResource, parse_resources
from .exceptions import (
    PlexAuthenticationError,
    PlexConnectionError,
    PlexInvalidResponseError,
    PlexNotFoundError,
    PlexRateLimitedError,
    PlexTimeoutError,
)
from .identification import plex_headers

PLEX_TV_URL: Final = "https://plex.tv"
PLEX_AUTH_APP_URL: Final = "https://app.plex.tv/auth"


class PlexTvClient:
    """Talks to plex.tv (or, in tests and the demo, to its loopback stand-in)."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        client_identifier: str,
        product: str,
        version: str,
        base_url: str = PLEX_TV_URL,
        auth_app_url: str = PLEX_AUTH_APP_URL,
        request_timeout: float = 10.0,
    ) -> None:
        """Set up the client; no I/O happens until a method is awaited."""
        self._session = session
        self._base = URL(base_url.rstrip("/"))
        self._auth_app_url = auth_app_url
        self._product = product
        self._client_identifier = client_identifier
        self.request_timeout = request_timeout
        self._headers: Final = plex_headers(
            client_identifier, product, version, "Home Assistant"
        )

    def __repr__(self) -> str:
        """Name plex.tv's address, nothing else."""
        return f"PlexTvClient(url={str(self._base)!r})"

    async def create_pin(self) -> PlexPin:
        """Create a strong PIN for the browser sign-in (`POST /api/v2/pins`)."""
        return PlexPin.from_json(
            await self._request("POST", "/api/v2/pins", query={"strong": "true"})
        )

    async def check_pin(self, pin: PlexPin) -> PlexPin:
        """Return the PIN as plex.tv has it now; its token is set once claimed.

        Raises PlexNotFoundError when the PIN has expired (or never existed).
        """
        return PlexPin.from_json(
            await self._request("GET", f"/api/v2/pins/{quote(pin.id, safe='')}")
        )

    def auth_url(self, pin: PlexPin) -> str:
        """Return plex.tv's sign-in page for the PIN (parameters in the fragment).

        No `forwardUrl`: plex.tv need not reach Home Assistant (a local address, a
        proxy or Home Assistant Cloud all work), since the flow polls the PIN itself.
        """
        fragment = urlencode(
            {
                "clientID": self._client_identifier,
                "code": pin.code,
                "context[device][product]": self._product,
            }
        )
        return f"{self._auth_app_url}#?{fragment}"

    async def servers(self, token: str) -> list[PlexResource]:
        """Return the servers the account owns or that are shared with it."""
        return parse_resources(
            await self._request(
                "GET",
                "/api/v2/resources",
                query={"includeHttps": "1", "includeRelay": "1", "includeIPv6": "1"},
                token=token,
            )
        )

    async def _request(
        self,
        method: str,
        path: str,
        *,
        query: dict[str, str] | None = None,
        token: str | None = None,
    ) -> Any:
        """Make one request to plex.tv and map every failure onto our exceptions."""
        headers = dict(self._headers)
        if token is not None:
            headers["X-Plex-Token"] = token
        what = f"plex.tv {method} {path.rsplit('/', 1)[0] if 'pins/' in path else path}"
        url = (self._base / path.lstrip("/")).with_query(query or {})
        try:
            async with (
                asyncio.timeout(self.request_timeout),
                # Not followed: the account token would go wherever they lead.
                self._session.request(
                    method, url, headers=headers, allow_redirects=False
                ) as response,
            ):
                status = response.status
                retry_after = response.headers.get("Retry-After")
                body = await response.read()
        except TimeoutError:
            raise PlexTimeoutError(
                f"{self._base} did not answer within {self.request_timeout:g} s"
                f" ({what})"
            ) from None
        except (aiohttp.ClientError, OSError) as err:
            raise PlexConnectionError(
                f"cannot connect to {self._base} ({what}: {type(err).__name__})"
            ) from None
        if status == 401:
            raise PlexAuthenticationError(f"{what}: plex.tv rejected the sign-in")
        if status == 404:
            raise PlexNotFoundError(f"{what}: not found or expired (HTTP 404)")
        if status == 429:
            raise PlexRateLimitedError(
                f"{what}: plex.tv asks to slow down (429)",
                retry_after=parse_retry_after(retry_after),
            )
        if status >= 500:
            raise PlexConnectionError(f"{what}: plex.tv is not available ({status})")
        if status >= 300:
            raise PlexInvalidResponseError(f"{what}: unexpected HTTP {status}")
        try:
            return json.loads(body)
        except ValueError, RecursionError:  # not JSON, or nested beyond reason
            raise PlexInvalidResponseError(f"{what}: the answer is not JSON") from None


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Return the seconds a `Retry-After` header asks to wait (None if absent or junk).

    HTTP allows a number of seconds or a date; a date in the past means now.
    """
    if value is None or not (text := value.strip()):
        return None
    if text.isascii() and text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except TypeError, ValueError:
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
