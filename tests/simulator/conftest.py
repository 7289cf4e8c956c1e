"""Fixtures for the simulator tests: a running simulator and an HTTP session."""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiohttp
import pytest

from plex_simulator import PlexSimulator

from .helpers import TOKEN

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


@pytest.fixture(autouse=True)
def _allow_loopback_sockets(socket_enabled: None) -> None:
    """Let the tests open real loopback sockets even under the HA plugin."""


@pytest.fixture
async def sim() -> AsyncIterator[PlexSimulator]:
    """Run a simulator on a free loopback port."""
    simulator = PlexSimulator(token=TOKEN)
    await simulator.start()
    try:
        yield simulator
    finally:
        await simulator.stop()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """Provide a client session that is closed after the test."""
    async with aiohttp.ClientSession() as client:
        yield client
