"""Choose how to reach a server that plex.tv lists: probe its connections at once.

Every candidate is asked `GET /` concurrently; the best one that answers as that very
server wins, in this order: local https (plex.direct) > local http > remote https >
remote http > relay. Waiting ends as soon as no better candidate can still answer.
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
    ranked = list(found)
    refused: list[str] = []

    async def attempt(candidate: Candidate) -> ServerInfo | None:
        client = PlexClient(
            session,
            candidate.url,
            token,
            client_identifier=client_identifier,
            request_timeout=timeout,
        )
        try:
            info = await client.server_info()
        except PlexAuthenticationError:
            refused.append(candidate.url)
            return None
        except PlexError:
            return None
        return info if info.machine_identifier == machine_identifier else None

    tasks = [asyncio.create_task(attempt(candidate)) for candidate in ranked]
    try:
        for candidate, task in zip(ranked, tasks, strict=True):
            if (info := await task) is not None:
                return ProbeResult(url=candidate.url, kind=candidate.kind, info=info)
    finally:
        for task in tasks:
            task.cancel()
    if refused:
        raise PlexAuthenticationError(f"server {machine_identifier} refused the token")
    raise PlexNotFoundError(f"no connection of server {machine_identifier} answered")
