"""Fixtures for the client tests: a client bound to the simulator."""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiohttp
import pytest

from custom_components.plex_activities.api import PlexClient
from tests.const import CLIENT_IDENTIFIER, TOKEN

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from plex_simulator import PlexSimulator


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """Return an aiohttp session (the integration injects Home Assistant's)."""
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture
def client(session: aiohttp.ClientSession, simulator: PlexSimulator) -> PlexClient:
    """Return a client pointed at the simulator."""
    return PlexClient(
        session,
        simulator.url,
        TOKEN,
        client_identifier=CLIENT_IDENTIFIER,
        request_timeout=2.0,
    )
