"""Choose how to reach a server that plex.tv lists: probe its connections at once.

Every candidate is asked who it is (`GET /identity`, which needs no token) concurrently.
The token goes only to candidates that answered as that very server, one at a time,
best first: local https (plex.direct) > local http > remote https > remote http >
relay; the first that accepts it (`GET /`) wins. A listed address where some other
device answers (a LAN address seen from another network, a reused IP) never sees the
token, and a plain-http address gets it only when no better one answered as the server.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .account import ConnectionKind, PlexConnection
from .client import PlexClient
from .exceptions import PlexAuthenticationError, PlexError, PlexNotFoundError

if TYPE_CHECKING:
    from collections.abc import Iterable

    import aiohttp

    from .server import ServerInfo


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    """One URL to try, and what kind of connection it is."""

    url: str
    kind: ConnectionKind


@dataclass(frozen=True, slots=True, kw_only=True)
class ProbeResult:
    """The URL that answered, its kind, and what the server said about itself."""

    url: str
    kind: ConnectionKind
    info: ServerInfo


def candidates(connections: Iterable[PlexConnection]) -> list[Candidate]:
    """Return the URLs to try, best first, without duplicates.

    A local https connection is also tried as plain http on its address (as Plex's
    own clients do): a server without a plex.direct certificate still answers there.
    Remote and relay connections are only tried as listed, so a token never crosses
    the internet unencrypted unless plex.tv lists such a connection itself.
    """
    found: dict[str, ConnectionKind] = {}
    for connection in connections:
        found.setdefault(connection.uri, connection.kind)
        if connection.kind is ConnectionKind.LOCAL_HTTPS and connection.address:
            host = f"[{connection.address}]" if ":" in connection.address else None
            plain = f"http://{host or connection.address}:{connection.port}"
            found.setdefault(plain, ConnectionKind.LOCAL_HTTP)
    ranked = sorted(found.items(), key=lambda item: item[1])
    return [Candidate(url=url, kind=kind) for url, kind in ranked]


async def probe(
    session: aiohttp.ClientSession,
    machine_identifier: str,
    token: str,
    found: Iterable[Candidate],
    *,
    client_identifier: str,
    timeout: float = 10.0,  # noqa: ASYNC109 - one timeout for all attempts together
) -> ProbeResult:
    """Return the best candidate that answers as the server `machine_identifier`.

    Raises:
        PlexAuthenticationError: The server answered, but refused the token.
        PlexNotFoundError: No candidate answered as that server.
    """
    ranked = [
        (candidate, client)
        for candidate in found
        if (client := _client(session, candidate, token, client_identifier, timeout))
    ]
    asked = [
        asyncio.create_task(_is_server(client, machine_identifier))
        for _, client in ranked
    ]
    refused = False
    try:
        async with asyncio.timeout(timeout):
            for (candidate, client), is_server in zip(ranked, asked, strict=True):
                if not await is_server:
                    continue
                try:
                    info = await client.server_info()
                except PlexAuthenticationError:
                    refused = True
                    continue
                except PlexError:
                    continue
                if info.machine_identifier == machine_identifier:
                    return ProbeResult(
                        url=candidate.url, kind=candidate.kind, info=info
                    )
    except TimeoutError:
        pass  # what answered in time decides
    finally:
        for task in asked:
            task.cancel()
    if refused:
        raise PlexAuthenticationError(f"server {machine_identifier} refused the token")
    raise PlexNotFoundError(f"no connection of server {machine_identifier} answered")


def _client(
    session: aiohttp.ClientSession,
    candidate: Candidate,
    token: str,
    client_identifier: str,
    timeout: float,
) -> PlexClient | None:
    """Return a client for the candidate; None if its URL is no URL (port 99999)."""
    try:
        return PlexClient(
            session,
            candidate.url,
            token,
            client_identifier=client_identifier,
            request_timeout=timeout,
        )
    except ValueError:
        return None


async def _is_server(client: PlexClient, machine_identifier: str) -> bool:
    """Return whether the server at the client's address says it is that server."""
    try:
        info = await client.identity()
    except PlexError:
        return False
    return info.machine_identifier == machine_identifier
