"""The faults the soak injects into the simulator, each with how it is undone."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    import random

    from plex_simulator import PlexSimulator
    from plex_simulator.notifications import QueuedConnection

type Channel = Literal["websocket", "eventsource"]

# The soak's client gives up on a request after this long; "slow" answers come either
# just below it (slow but fine) or above it (a timeout, so an outage).
REQUEST_TIMEOUT = 1.0
LIBRARY_PATH = "/library/sections"


@dataclass(frozen=True, slots=True)
class FaultKind:
    """One kind of fault: how to inject it, how to undo it (None: instant)."""

    name: str
    inject: Callable[[PlexSimulator, random.Random], Awaitable[None]]
    undo: Callable[[PlexSimulator], None] | None = None


async def _drop(sim: PlexSimulator, rng: random.Random) -> None:
    await sim.drop_websockets()


async def _refuse_upgrades(sim: PlexSimulator, rng: random.Random) -> None:
    # A proxy without upgrades (404), or one that forbids them (403, 401) while the
    # token is fine: either way a refused channel, not a reauth.
    sim.websocket_refusal_status = rng.choice((404, 404, 403, 401))
    sim.websocket_enabled = False
    await sim.drop_websockets()


def _accept_upgrades(sim: PlexSimulator) -> None:
    sim.websocket_enabled = True


def open_channels(sim: PlexSimulator, channel: Channel) -> list[QueuedConnection]:
    """Return the simulator's open notification connections of one transport."""
    return [c for c in sim.notification_hub.connections if c.transport == channel]


async def wait_for_channel(
    sim: PlexSimulator, channel: Channel, timeout: float
) -> None:
    """Wait until a connection of this transport is open, for `timeout` seconds at most."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(timeout):
            await sim.notification_hub.wait_until(
                lambda _count: bool(open_channels(sim, channel))
            )


async def _server_error(sim: PlexSimulator, rng: random.Random) -> None:
    sim.rest_failure_status = rng.choice([500, 502, 503])


def _no_server_error(sim: PlexSimulator) -> None:
    sim.rest_failure_status = None


async def _slow(sim: PlexSimulator, rng: random.Random) -> None:
    if rng.random() < 0.5:
        sim.latency = rng.uniform(0.05, REQUEST_TIMEOUT * 0.4)
    else:
        sim.latency = rng.uniform(REQUEST_TIMEOUT * 1.2, REQUEST_TIMEOUT * 1.5)


def _fast(sim: PlexSimulator) -> None:
    sim.latency = 0.0


async def _library_failure(sim: PlexSimulator, rng: random.Random) -> None:
    sim.route_faults.fail(LIBRARY_PATH, rng.choice([500, 503]))


def _library_healed(sim: PlexSimulator) -> None:
    sim.route_faults.heal(LIBRARY_PATH)


async def _restart(sim: PlexSimulator, rng: random.Random) -> None:
    """Restart with other activities: some survive (changed), others are new."""
    await sim.stop()
    await asyncio.sleep(rng.choice([0.0, 0.1, 0.5, 1.5]))
    survivors = [
        {**activity, "progress": rng.randint(0, 100)}
        for activity in sim.activities.values()
        if rng.random() < 0.4
    ]
    newcomers = [
        {
            "uuid": f"after-restart-{rng.getrandbits(32):08x}",
            "type": rng.choice(["butler", "library.update.section"]),
            "title": "Started while restarting",
            "progress": rng.randint(0, 100),
        }
        for _ in range(rng.randint(0, 2))
    ]
    sim.set_activities_silently(survivors + newcomers)
    await sim.start()


INSTANT_FAULTS: tuple[FaultKind, ...] = (
    FaultKind("websocket_drop", _drop),
    FaultKind("server_restart", _restart),
)
LASTING_FAULTS: tuple[FaultKind, ...] = (
    FaultKind("refused_upgrade", _refuse_upgrades, _accept_upgrades),
    FaultKind("server_error", _server_error, _no_server_error),
    FaultKind("slow_response", _slow, _fast),
    FaultKind("library_failure", _library_failure, _library_healed),
)
