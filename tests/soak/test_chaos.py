"""The chaos soak: a short run of fixed seeds in the suite; scripts/soak.sh runs long ones.

Activities start, update, end and get cancelled at random while faults are injected at
random; after each quiet period Home Assistant must show exactly the server's activities,
the event entity must have fired `started`/`ended` exactly once per activity it showed,
and nothing but the documented lines may be logged at error level.

`PLEX_ACTIVITIES_SOAK_SEEDS` (comma-separated), `PLEX_ACTIVITIES_SOAK_SECONDS` (per seed) and
`PLEX_ACTIVITIES_SOAK_REPORT` (a file to append each run's figures to, as JSON lines) turn the
short run into a long one; scripts/soak.sh sets them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
import random
from typing import TYPE_CHECKING, Any

import pytest

from custom_components.plex_activities.api import (
    Backoff,
    NotificationListener,
    PlexClient,
)

from .driver import ChaosSoak
from .faults import REQUEST_TIMEOUT
from .report import summarize

if TYPE_CHECKING:
    from collections.abc import Iterator

    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from plex_simulator import PlexSimulator

# The short run in the suite: fixed seeds, a fixed number of steps each.
SEEDS = [
    int(seed)
    for seed in os.environ.get("PLEX_ACTIVITIES_SOAK_SEEDS", "1,2").split(",")
    if seed
]
STEPS = 10**9 if "PLEX_ACTIVITIES_SOAK_SECONDS" in os.environ else 150
SECONDS = float(os.environ.get("PLEX_ACTIVITIES_SOAK_SECONDS", "0")) or None
# Time runs fast: keepalive and backoff scaled down so outages pass within a quiet period.
HEARTBEAT = 1.0
# The EventSource: the simulator's pings (Plex: 10 s), the silence that means a dead
# stream (30 s), and how soon the websocket is tried again from it (10 minutes).
PING_INTERVAL = 0.5
EVENTSOURCE_SILENCE = 3.0
WEBSOCKET_RETRY = 5.0


@pytest.fixture
def fast_integration(seed: int) -> Iterator[None]:
    """Scale the integration's clocks: request timeout, keepalive, reconnect backoff.

    The constructors are wrapped (wherever the integration builds its client and its
    listener, and however often: a reload after re-authentication builds new ones).
    """
    client_init = PlexClient.__init__
    listener_init = NotificationListener.__init__

    def fast_client(self: PlexClient, *args: Any, **kwargs: Any) -> None:
        client_init(self, *args, **{**kwargs, "request_timeout": REQUEST_TIMEOUT})

    def fast_listener(self: NotificationListener, *args: Any, **kwargs: Any) -> None:
        listener_init(
            self,
            *args,
            **kwargs,
            heartbeat=HEARTBEAT,
            eventsource_silence=EVENTSOURCE_SILENCE,
            websocket_retry=WEBSOCKET_RETRY,
            stable_after=0.5,
            backoff=Backoff(initial=0.05, maximum=0.5, rng=random.Random(seed)),
        )

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(PlexClient, "__init__", fast_client)
        patch.setattr(NotificationListener, "__init__", fast_listener)
        yield


def append_report(path: str, figures: dict[str, Any]) -> None:
    """Append one run's figures to the report file of scripts/soak.sh."""
    with Path(path).open("a", encoding="utf-8") as output:
        output.write(json.dumps(figures) + "\n")


@pytest.mark.usefixtures("fast_integration")
@pytest.mark.parametrize("seed", SEEDS)
async def test_chaos_soak(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: PlexSimulator,
    caplog: pytest.LogCaptureFixture,
    seed: int,
) -> None:
    """Random activities and faults: Home Assistant mirrors the server when quiet."""
    simulator.eventsource.ping_interval = PING_INTERVAL
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    await simulator.wait_for_websockets(1)

    soak = ChaosSoak(hass, mock_config_entry, simulator, caplog, seed)
    figures = await soak.run(steps=STEPS, seconds=SECONDS)
    summary, divergences = summarize([figures.as_dict()])
    print(f"\n{summary}")  # noqa: T201 - the figures the report quotes
    if report := os.environ.get("PLEX_ACTIVITIES_SOAK_REPORT"):
        await hass.async_add_executor_job(append_report, report, figures.as_dict())
    assert figures.quiet_periods >= 2
    assert sum(figures.faults.values()) > 0
    assert divergences == len(figures.divergences)
    assert not figures.divergences, "\n".join(
        [*figures.divergences[:20], "What happened before:", *figures.trace]
    )
