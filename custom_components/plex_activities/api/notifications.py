"""Activity notifications: the frame parser, the reconnect policy and the listener."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
import json
import random
import time
from typing import Any

import aiohttp

from .client import MAX_FRAME_BYTES, PlexClient
from .cooperative import yield_if_busy
from .exceptions import PlexAuthenticationError, PlexConnectionError, PlexError
from .models import Activity, ActivityEvent, ActivityEventType

_EVENT_TYPES = {member.value: member for member in ActivityEventType}


class SkippedFrameError(Exception):
    """A frame that carries no activity event; `reason` says why (for the counters)."""

    def __init__(self, reason: str) -> None:
        """Remember the reason."""
        super().__init__(reason)
        self.reason = reason


def parse_notification(frame: str | bytes) -> list[ActivityEvent]:
    """Return the activity events of one websocket text frame.

    Raises SkippedFrameError for anything else: other notification types, frames over
    1 MiB, invalid JSON, wrong shapes, or activity entries none of which is valid.
    """
    if len(frame) > MAX_FRAME_BYTES:
        raise SkippedFrameError("too_large")
    try:
        data = json.loads(frame)
    except ValueError, RecursionError:
        raise SkippedFrameError("invalid_json") from None
    container = data.get("NotificationContainer") if isinstance(data, dict) else None
    if not isinstance(container, Mapping):
        raise SkippedFrameError("invalid_shape")
    if container.get("type") != "activity":
        raise SkippedFrameError("other_type")
    entries = container.get("ActivityNotification")
    if isinstance(entries, Mapping):
        entries = [entries]
    if not isinstance(entries, list):
        raise SkippedFrameError("invalid_shape")
    events = [event for entry in entries if (event := _parse_entry(entry)) is not None]
    if not events:
        raise SkippedFrameError("invalid_activity")
    return events


def _parse_entry(entry: Any) -> ActivityEvent | None:
    if not isinstance(entry, Mapping):
        return None
    event = entry.get("event")
    event_type = _EVENT_TYPES.get(event) if isinstance(event, str) else None
    raw = entry.get("Activity")
    if event_type is None or not isinstance(raw, Mapping):
        return None
    if "uuid" not in raw and "uuid" in entry:
        raw = {**raw, "uuid": entry["uuid"]}
    try:
        activity = Activity.from_json(raw)
    except PlexError:
        return None
    return ActivityEvent(type=event_type, activity=activity)


@dataclass(kw_only=True)
class Backoff:
    """Capped exponential backoff with jitter; it never gives up."""

    initial: float = 1.0
    maximum: float = 60.0
    factor: float = 2.0
    jitter: float = 0.25
    """Each delay is drawn from [base * (1 - jitter), base]."""
    rng: random.Random = field(default_factory=random.Random)
    attempt: int = 0

    def next_delay(self) -> float:
        """Return how long to wait before the next attempt, and count the attempt."""
        base = min(self.maximum, self.initial * self.factor ** min(self.attempt, 64))
        self.attempt += 1
        return base * (1.0 - self.jitter * self.rng.random())

    def reset(self) -> None:
        """Start again from the initial delay (after a connection that worked)."""
        self.attempt = 0


@dataclass(kw_only=True)
class ListenerStats:
    """What the listener has seen; diagnostics show it."""

    connected: bool = False
    connects: int = 0
    failed_attempts: int = 0
    frames: int = 0
    frames_since_connect: int = 0
    events: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    last_message_at: float | None = None
    """`time.monotonic()` of the last frame received."""
    last_error: str | None = None

    @property
    def reconnects(self) -> int:
        """Return how many times the connection was established again after the first."""
        return max(0, self.connects - 1)


class NotificationListener:
    """Keeps the notification websocket up and hands activity events to the caller.

    The whole reconnect policy lives here: capped, jittered exponential backoff that never
    gives up; an immediate retry after a clean close of a connection that had been up;
    and a stop (PlexAuthenticationError propagates) when the token is rejected.
    `on_connected` runs after every (re)connect, before any frame is read, so the caller
    can resync over REST without missing what arrives meanwhile. It returns whether the
    resync worked: a failed resync counts as a failed connection (no backoff reset), and
    a connection counts as stable only from a successful resync on.
    """

    def __init__(
        self,
        client: PlexClient,
        *,
        on_events: Callable[[Sequence[ActivityEvent]], None],
        on_connected: Callable[[], Awaitable[bool]],
        on_disconnected: Callable[[PlexError | None], None],
        backoff: Backoff | None = None,
        heartbeat: float = 30.0,
        stable_after: float = 5.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """Set up the listener; `run` starts it."""
        self._client = client
        self._on_events = on_events
        self._on_connected = on_connected
        self._on_disconnected = on_disconnected
        self.backoff = backoff or Backoff()
        self._heartbeat = heartbeat
        self._stable_after = stable_after
        self._sleep = sleep
        self.stats = ListenerStats()

    async def run(self) -> None:
        """Listen until cancelled; raise PlexAuthenticationError if the token is rejected."""
        while True:
            up_since: float | None = None
            error: PlexError | None = None
            try:
                async with self._client.connect_notifications() as websocket:
                    self.stats.connected = True
                    self.stats.connects += 1
                    self.stats.frames_since_connect = 0
                    if not await self._on_connected():
                        raise PlexConnectionError("the resync after connecting failed")
                    # Connected and resynced: the server works, start backoff afresh.
                    # Stability counts from here, not from the handshake: a resync
                    # that times out must not make a connection look stable.
                    up_since = time.monotonic()
                    self.backoff.reset()
                    await self._receive(websocket)
            except PlexAuthenticationError as err:
                self._disconnected(err)
                raise
            except PlexError as err:
                error = err
            self._disconnected(error)
            await self._sleep(self._next_delay(up_since, error))

    def _disconnected(self, error: PlexError | None) -> None:
        was_connected = self.stats.connected
        self.stats.connected = False
        if error is not None:
            self.stats.last_error = str(error)
            if not was_connected:
                self.stats.failed_attempts += 1
        self._on_disconnected(error)

    def _next_delay(self, up_since: float | None, error: PlexError | None) -> float:
        stable = (
            up_since is not None and time.monotonic() - up_since >= self._stable_after
        )
        if stable:
            self.backoff.reset()
            if error is None:
                return 0.0
        return self.backoff.next_delay()

    async def _receive(self, websocket: aiohttp.ClientWebSocketResponse) -> None:
        """Read frames until the server closes the connection or it dies.

        Keepalive: after `heartbeat` seconds without any frame a ping goes out, and a
        connection that does not answer within half of that is declared dead. aiohttp
        hands out buffered frames without suspending, so a burst of thousands is applied
        in slices of `YIELD_AFTER` seconds, so that it never holds up the event loop.
        """
        stats = self.stats
        awaiting_pong = False
        busy_since = time.monotonic()
        while True:
            busy_since = await yield_if_busy(busy_since)
            try:
                message = await websocket.receive(
                    timeout=self._heartbeat / 2 if awaiting_pong else self._heartbeat
                )
            except TimeoutError:
                if awaiting_pong:
                    raise PlexConnectionError(
                        "the notification websocket did not answer the keepalive ping"
                    ) from None
                await self._send(websocket.ping())
                awaiting_pong = True
                continue
            awaiting_pong = False
            kind = message.type
            if kind is aiohttp.WSMsgType.TEXT:
                stats.last_message_at = time.monotonic()
                stats.frames += 1
                stats.frames_since_connect += 1
                try:
                    events = parse_notification(message.data)
                except SkippedFrameError as skipped:
                    stats.skipped[skipped.reason] += 1
                    continue
                stats.events += len(events)
                self._on_events(events)
            elif kind is aiohttp.WSMsgType.BINARY:
                stats.last_message_at = time.monotonic()
                stats.frames += 1
                stats.frames_since_connect += 1
                stats.skipped["binary"] += 1
            elif kind is aiohttp.WSMsgType.PING:
                await self._send(websocket.pong(message.data))
            elif kind is aiohttp.WSMsgType.PONG:
                stats.last_message_at = time.monotonic()
            elif kind is aiohttp.WSMsgType.ERROR:
                raise PlexConnectionError(
                    f"notification websocket failed: {type(message.data).__name__}"
                )
            else:  # CLOSE, CLOSING, CLOSED: the server ended the connection
                return

    @staticmethod
    async def _send(control: Awaitable[None]) -> None:
        try:
            await control
        except (aiohttp.ClientError, OSError, RuntimeError) as err:
            raise PlexConnectionError(
                f"notification websocket failed: {type(err).__name__}"
            ) from None
