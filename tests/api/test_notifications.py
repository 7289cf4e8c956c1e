"""The notification listener against the simulator: reconnects, keepalive, faults.

What each transport does alike (events, bad frames, a rejected token) is in
``test_transports.py``, once for both.
"""

from __future__ import annotations

import asyncio
import random
from typing import TYPE_CHECKING, Any

import pytest

from custom_components.plex_activities.api import (
    ActivityEvent,
    Backoff,
    NotificationListener,
    PlexClient,
    PlexConnectionError,
    PlexError,
    PlexEventSourceRefusedError,
    PlexWebsocketRefusedError,
    Transport,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

    from plex_simulator import PlexSimulator

    from .conftest import MakeClient


class Recorder:
    """Collects what the listener reports and lets tests wait for it."""

    def __init__(self) -> None:
        """Start empty."""
        self.events: list[ActivityEvent] = []
        self.connects = 0
        self.disconnects: list[PlexError | None] = []
        self.delays: list[float] = []
        self.changed = asyncio.Event()

    def on_events(self, events: Sequence[ActivityEvent]) -> None:
        """Record events."""
        self.events.extend(events)
        self.changed.set()

    async def on_connected(self) -> bool:
        """Record a connection; the resync works."""
        self.connects += 1
        self.changed.set()
        return True

    def on_disconnected(self, error: PlexError | None) -> None:
        """Record a disconnection."""
        self.disconnects.append(error)
        self.changed.set()

    async def sleep(self, delay: float) -> None:
        """Record the backoff delay and wait only a moment for real."""
        self.delays.append(delay)
        await asyncio.sleep(0.01)

    async def until(self, condition: object, timeout: float = 5.0) -> None:
        """Wait until the callable `condition` holds."""
        assert callable(condition)
        async with asyncio.timeout(timeout):
            while not condition():
                self.changed.clear()
                await self.changed.wait()


def make_listener(
    client: PlexClient,
    recorder: Recorder,
    *,
    on_connected: Callable[[], Awaitable[bool]] | None = None,
    **kwargs: float,
) -> NotificationListener:
    """Return a listener wired to the recorder, with deterministic jitter.

    `on_connected` replaces the recorder's resync hook (which always works).
    """
    return NotificationListener(
        client,
        on_events=recorder.on_events,
        on_connected=on_connected or recorder.on_connected,
        on_disconnected=recorder.on_disconnected,
        backoff=Backoff(rng=random.Random(1)),
        sleep=recorder.sleep,
        **kwargs,
    )


async def cancel(task: asyncio.Task[None]) -> None:
    """Cancel the listener task and wait for it."""
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


type RunListener = Callable[..., NotificationListener]


@pytest.fixture
def recorder() -> Recorder:
    """Return an empty recorder."""
    return Recorder()


@pytest.fixture
async def run_listener(
    client: PlexClient, recorder: Recorder
) -> AsyncIterator[RunListener]:
    """Run listeners until the test ends, then cancel them (each must still run).

    Called with a listener, runs that one; else one wired to `recorder`, made with the
    keyword arguments (`make_listener`).
    """
    tasks: list[asyncio.Task[None]] = []

    def run(
        listener: NotificationListener | None = None, **kwargs: Any
    ) -> NotificationListener:
        listener = listener or make_listener(client, recorder, **kwargs)
        tasks.append(asyncio.create_task(listener.run()))
        return listener

    yield run
    for task in tasks:
        await cancel(task)


@pytest.mark.parametrize(
    ("stable_after", "at_once"),
    [(0.0, True), (60.0, False)],
    ids=["stable_reconnects_at_once", "unstable_backs_off"],
)
async def test_clean_close(
    simulator: PlexSimulator,
    recorder: Recorder,
    run_listener: RunListener,
    *,
    stable_after: float,
    at_once: bool,
) -> None:
    """After a clean close a stable connection reconnects without waiting.

    A connection that closes straight away backs off instead: no tight reconnect loop.
    """
    listener = run_listener(stable_after=stable_after)
    await recorder.until(lambda: recorder.connects == 1)
    await simulator.drop_websockets()
    await recorder.until(lambda: recorder.connects == 2)
    assert recorder.disconnects == [None]
    [delay] = recorder.delays
    assert (delay == 0.0) is at_once
    assert delay >= 0.0
    assert listener.stats.reconnects == 1


async def test_server_down_backs_off_and_recovers(
    simulator: PlexSimulator, recorder: Recorder, run_listener: RunListener
) -> None:
    """While the server is down delays grow to the cap; it reconnects when back."""
    await simulator.stop()
    listener = run_listener()
    await recorder.until(lambda: len(recorder.delays) >= 9)
    assert all(isinstance(e, PlexConnectionError) for e in recorder.disconnects)
    assert recorder.delays == sorted(recorder.delays[:6]) + recorder.delays[6:]
    assert max(recorder.delays) <= 60.0
    assert recorder.delays[-1] >= 60.0 * 0.75
    assert listener.stats.failed_attempts >= 9
    assert not listener.stats.connected
    await simulator.start()
    await recorder.until(lambda: recorder.connects == 1)
    assert listener.stats.connected


async def test_failed_resync_counts_as_failure(
    recorder: Recorder,
    run_listener: RunListener,
) -> None:
    """If the resync hook fails, the listener disconnects and backs off."""
    calls = 0

    async def failing_resync() -> bool:
        nonlocal calls
        calls += 1
        if calls == 1:
            return False
        return await recorder.on_connected()

    run_listener(on_connected=failing_resync)
    await recorder.until(lambda: recorder.connects == 1)
    assert calls == 2
    assert str(recorder.disconnects[0]) == "the resync after connecting failed"
    assert recorder.delays[0] > 0


async def test_slow_failing_resync_keeps_backing_off(
    client: PlexClient, simulator: PlexSimulator
) -> None:
    """A resync that fails after outlasting `stable_after` does not reset the backoff.

    Stability counts from a successful resync, not from the websocket opening: else a
    resync timing out after 10 s would make the listener retry about every 11 s forever.
    """
    recorder = Recorder()
    stable_after = 0.05
    attempts = 0

    async def slow_failing_resync() -> bool:
        nonlocal attempts
        attempts += 1
        recorder.changed.set()
        await asyncio.sleep(stable_after * 2)  # longer than `stable_after`
        return False

    listener = make_listener(
        client, recorder, on_connected=slow_failing_resync, stable_after=stable_after
    )
    task = asyncio.create_task(listener.run())
    await recorder.until(lambda: len(recorder.delays) >= 7)
    await cancel(task)
    bases = [1, 2, 4, 8, 16, 32, 60]
    for delay, base in zip(recorder.delays, bases, strict=False):
        assert 0.75 * base <= delay <= base
    assert attempts >= 7
    assert not listener.stats.connected
    assert all(
        str(error) == "the resync after connecting failed"
        for error in recorder.disconnects
    )


async def test_stable_from_resync_not_from_handshake(
    simulator: PlexSimulator,
    recorder: Recorder,
    run_listener: RunListener,
) -> None:
    """A slow resync that works, then a clean close at once: no immediate retry."""

    async def slow_resync() -> bool:
        # The server closes during the resync; the close is read right after it.
        simulator.notification_hub.close_where(lambda _connection: True)
        await asyncio.sleep(0.6)
        return await recorder.on_connected()

    run_listener(on_connected=slow_resync, stable_after=0.5)
    await recorder.until(lambda: len(recorder.disconnects) == 1)
    assert recorder.disconnects == [None]  # a clean close
    # Up 0.6 s since the handshake but not `stable_after` since the resync: back off.
    assert recorder.delays[0] > 0


async def test_silent_connection_detected(
    simulator: PlexSimulator, recorder: Recorder, run_listener: RunListener
) -> None:
    """A connection that stops answering is declared dead by the keepalive."""
    run_listener(heartbeat=0.2)
    await recorder.until(lambda: recorder.connects == 1)
    # Idle but alive: pings are answered, nothing is dropped.
    await asyncio.sleep(0.5)
    assert recorder.disconnects == []
    simulator.websocket_silent = True
    await recorder.until(lambda: len(recorder.disconnects) == 1, timeout=2.0)
    assert "keepalive" in str(recorder.disconnects[0])


async def test_idle_ping_rate(
    simulator: PlexSimulator, recorder: Recorder, run_listener: RunListener
) -> None:
    """An idle connection gets one ping per heartbeat, not more (nor none)."""
    heartbeat = 0.2
    run_listener(heartbeat=heartbeat)
    await recorder.until(lambda: recorder.connects == 1)
    (connection,) = simulator.notification_hub.connections
    await asyncio.sleep(5.5 * heartbeat)
    # Five heartbeats of idleness: five pings (fewer if the machine is slow); pinging
    # after half a heartbeat instead would double them.
    assert 3 <= connection.pings <= 6
    assert recorder.disconnects == []


async def test_pong_within_half_a_heartbeat_accepted(
    simulator: PlexSimulator, recorder: Recorder, run_listener: RunListener
) -> None:
    """A pong that takes a third of a heartbeat keeps the connection, cycle after cycle."""
    heartbeat = 0.6
    simulator.websocket_pong_delay = heartbeat / 6
    listener = run_listener(heartbeat=heartbeat)
    await recorder.until(lambda: recorder.connects == 1)
    (connection,) = simulator.notification_hub.connections
    # Three cycles of a heartbeat's silence, a ping and the late pong, and some more.
    await asyncio.sleep(3.5 * (heartbeat + simulator.websocket_pong_delay))
    assert connection.pings >= 2
    assert recorder.disconnects == []
    assert listener.stats.connects == 1


async def test_pong_later_than_half_a_heartbeat_is_dead(
    simulator: PlexSimulator, recorder: Recorder, run_listener: RunListener
) -> None:
    """A pong between half and one heartbeat late: the connection is declared dead.

    The keepalive waits `heartbeat` of silence, pings, and gives the pong half a
    heartbeat; waiting a whole heartbeat for it (the two timeouts swapped) would accept
    this pong and ping twice as often.
    """
    heartbeat = 0.6
    simulator.websocket_pong_delay = 0.75 * heartbeat
    run_listener(heartbeat=heartbeat)
    await recorder.until(lambda: recorder.connects == 1)
    connected_at = asyncio.get_running_loop().time()
    await recorder.until(lambda: len(recorder.disconnects) == 1, timeout=5)
    dead_after = asyncio.get_running_loop().time() - connected_at
    assert "keepalive" in str(recorder.disconnects[0])
    assert heartbeat * 1.5 <= dead_after < heartbeat * 1.75 + 0.2


async def test_both_channels_refused(
    client: PlexClient, simulator: PlexSimulator
) -> None:
    """A proxy refusing both channels (404): each is tried in turn, backing off."""
    simulator.websocket_enabled = False
    simulator.eventsource.enabled = False
    recorder = Recorder()
    listener = make_listener(client, recorder)
    task = asyncio.create_task(listener.run())
    await recorder.until(lambda: len(recorder.disconnects) >= 4)
    await cancel(task)
    assert all("HTTP 404" in str(error) for error in recorder.disconnects)
    assert [type(error) for error in recorder.disconnects[:4]] == [
        PlexWebsocketRefusedError,
        PlexEventSourceRefusedError,
    ] * 2
    assert recorder.delays == sorted(recorder.delays)
    assert recorder.connects == 0
    counters = listener.stats.by_transport
    assert counters[Transport.WEBSOCKET]["failed_attempts"] >= 2
    assert counters[Transport.EVENTSOURCE]["failed_attempts"] >= 2
    assert "EventSource (HTTP 404)" in listener.stats.last_errors[Transport.EVENTSOURCE]


async def test_handshake_timeout(
    make_client: MakeClient, simulator: PlexSimulator
) -> None:
    """A handshake slower than the request timeout is a timeout error."""
    client = make_client(request_timeout=0.1)
    simulator.latency = 0.5
    with pytest.raises(PlexConnectionError, match="did not answer"):
        async with client.connect_notifications():
            pass


def test_backoff_policy() -> None:
    """Delays double up to the cap, jitter stays within its band, reset starts over."""
    backoff = Backoff(initial=1.0, maximum=60.0, jitter=0.25, rng=random.Random(3))
    delays = [backoff.next_delay() for _ in range(12)]
    bases = [1, 2, 4, 8, 16, 32, 60, 60, 60, 60, 60, 60]
    for delay, base in zip(delays, bases, strict=True):
        assert base * 0.75 <= delay <= base
    assert len(set(delays[6:])) > 1  # jittered, not a fixed cadence
    backoff.reset()
    assert backoff.next_delay() <= 1.0
    huge = Backoff(attempt=10_000)
    assert huge.next_delay() <= 60.0


async def test_backoff_resets_after_recovery(
    simulator: PlexSimulator, recorder: Recorder, run_listener: RunListener
) -> None:
    """After a long outage, a working connection starts the backoff afresh."""
    await simulator.stop()
    run_listener(stable_after=60.0)
    await recorder.until(lambda: len(recorder.delays) >= 8)
    assert recorder.delays[-1] > 30
    await simulator.start()
    await recorder.until(lambda: recorder.connects == 1)
    failures = len(recorder.delays)
    await simulator.drop_websockets()  # a short-lived connection, closed at once
    await recorder.until(lambda: recorder.connects == 2)
    assert recorder.delays[failures] <= 1.0


async def test_a_failing_callback_reconnects(
    simulator: PlexSimulator,
    client: PlexClient,
    recorder: Recorder,
    run_listener: RunListener,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An exception in the events callback does not end the listener.

    It reconnects after a 30 s pause (the resync repairs what the frame would have
    changed) and later frames arrive as before. The traceback is logged once; the same
    bug again is a debug line.
    """
    failures = [RuntimeError("a bug"), RuntimeError("a bug")]

    def on_events(events: Sequence[ActivityEvent]) -> None:
        if failures:
            raise failures.pop()
        recorder.on_events(events)

    run_listener(
        NotificationListener(
            client,
            on_events=on_events,
            on_connected=recorder.on_connected,
            on_disconnected=recorder.on_disconnected,
            sleep=recorder.sleep,
        )
    )
    for connects in (1, 2):
        await recorder.until(lambda: recorder.connects == connects)  # noqa: B023
        simulator.start_activity()
    await recorder.until(lambda: recorder.connects == 3)
    assert all(isinstance(e, PlexConnectionError) for e in recorder.disconnects)
    assert recorder.delays[:2] == [30.0, 30.0]
    uuid = simulator.start_activity()
    await recorder.until(lambda: [e.activity.uuid for e in recorder.events] == [uuid])
    logged = [r for r in caplog.records if "Unexpected error" in r.getMessage()]
    assert [(r.levelname, r.exc_info is not None) for r in logged] == [
        ("ERROR", True),
        ("DEBUG", False),
    ]
