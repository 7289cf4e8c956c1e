"""Fixtures for the client tests: a client bound to the simulator."""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiohttp
import pytest

from custom_components.plex_activities.api import PlexClient
from tests.const import CLIENT_IDENTIFIER, TOKEN

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from plex_simulator import PlexSimulator


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """Return an aiohttp session (the integration injects Home Assistant's)."""
    async with aiohttp.ClientSession() as client_session:
        yield client_session


type MakeClient = Callable[..., PlexClient]


@pytest.fixture
def make_client(session: aiohttp.ClientSession, simulator: PlexSimulator) -> MakeClient:
    """Return a maker of clients: the simulator's URL and token unless told otherwise."""

    def make(
        *, url: str | None = None, token: str = TOKEN, request_timeout: float = 2.0
    ) -> PlexClient:
        return PlexClient(
            session,
            simulator.url if url is None else url,
            token,
            client_identifier=CLIENT_IDENTIFIER,
            request_timeout=request_timeout,
        )

    return make


@pytest.fixture
def client(make_client: MakeClient) -> PlexClient:
    """Return a client pointed at the simulator."""
    return make_client()
