"""Activity notifications: the frame parser, the reconnect policy and the listener."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
import json
import math
import random
import time
from typing import TYPE_CHECKING, Any

from .client import MAX_FRAME_BYTES
from .cooperative import yield_if_busy
from .exceptions import (
    PlexAuthenticationError,
    PlexConnectionError,
    PlexError,
    PlexWebsocketRefusedError,
)
from .models import Activity, ActivityEvent, ActivityEventType
from .streams import Transport, open_stream

if TYPE_CHECKING:
    from .client import PlexClient
    from .streams import NotificationStream

_EVENT_TYPES = {member.value: member for member in ActivityEventType}


class SkippedFrameError(Exception):
    """A frame that carries no activity event; `reason` says why (for the counters)."""

    def __init__(self, reason: str) -> None:
        """Remember the reason."""
        super().__init__(reason)
        self.reason = reason


def parse_notification(
    frame: str | bytes, *, event: str | None = None
) -> list[ActivityEvent]:
    """Return the activity events of one notification, whichever transport carried it.

    A websocket frame is `{"NotificationContainer": {"type": ..., <child>: [...]}}`. An
    EventSource message names the type in its `event` and its data is either that same
    container or the bare `{<child>: {...}}` (one object or a list), as third-party
    clients read it (both are accepted). Raises SkippedFrameError for anything else:
    other notification types, frames over 1 MiB, invalid JSON, wrong shapes, or
    activity entries none of which is valid.
    """
    if len(frame) > MAX_FRAME_BYTES:
        raise SkippedFrameError("too_large")
    try:
        data = json.loads(frame)
    except ValueError, RecursionError:
        raise SkippedFrameError("invalid_json") from None
    if not isinstance(data, Mapping):
        raise SkippedFrameError("invalid_shape")
    container = data.get("NotificationContainer", data if event is not None else None)
    if not isinstance(container, Mapping):
        raise SkippedFrameError("invalid_shape")
    if container.get("type", event) != "activity":
        raise SkippedFrameError("other_type")
    entries = container.get("ActivityNotification")
    if isinstance(entries, Mapping):
        entries = [entries]
    if not isinstance(entries, list):
        raise SkippedFrameError("invalid_shape")
    events = [
        parsed for entry in entries if (parsed := _parse_entry(entry)) is not None
    ]
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
    """What the listener has seen; diagnostics show it.

    The totals cover both transports; `by_transport` counts `connects`,
    `failed_attempts`, `frames`, `events` and `keepalives` per transport, and
    `last_errors` keeps each transport's last error.
    """

    connected: bool = False
    transport: Transport = Transport.WEBSOCKET
    """The transport in use (or tried next)."""
    connects: int = 0
    failed_attempts: int = 0
    frames: int = 0
    frames_since_connect: int = 0
    events: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    last_message_at: float | None = None
    """`time.monotonic()` of the last frame received."""
    last_error: str | None = None
    by_transport: dict[Transport, Counter[str]] = field(
        default_factory=lambda: {transport: Counter() for transport in Transport}
    )
    last_errors: dict[Transport, str] = field(default_factory=dict)

    @property
    def reconnects(self) -> int:
        """Return how many times the connection was established again after the first."""
        return max(0, self.connects - 1)


@dataclass
class _Session:
    """One connection attempt, as the transport policy needs to know it."""

    transport: Transport
    connected: bool = False
    reading: bool = False
    """Connected and resynced: frames are being read."""
    delivered: bool = False
    """Anything (a frame, a pong, a ping) arrived while reading."""
    up_since: float | None = None
    retry: float | None = None
    websocket_works: bool = False
    """A websocket probe made during this (EventSource) session succeeded."""


class NotificationListener:
    """Keeps a notification channel up and hands activity events to the caller.

    The whole reconnect policy lives here, the same for both transports: capped,
    jittered exponential backoff that never gives up; an immediate retry after a clean
    close of a connection that had been up; and a stop (PlexAuthenticationError
    propagates) when the token is rejected. `on_connected` runs after every (re)connect,
    before any frame is read, so the caller can resync over REST without missing what
    arrives meanwhile. It returns whether the resync worked: a failed resync counts as a
    failed connection (no backoff reset), and a connection counts as stable only from a
    successful resync on.

    Transports: the websocket first. When a transport fails to connect or opens but
    never delivers anything, the other one is tried next, so while nothing works they
    take turns. A websocket that was refused (a proxy) or silent is tried again from a
    working EventSource at most every `websocket_retry` seconds (10 minutes), after
    other failures (a server restarting) at once; it is taken back when its upgrade
    works. Frames, resync, backoff and reauth are the same on both.
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
        eventsource_silence: float = 30.0,
        websocket_retry: float = 600.0,
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
        self._silence = eventsource_silence
        self._websocket_retry = websocket_retry
        self._stable_after = stable_after
        self._sleep = sleep
        # When the websocket was last refused or found silent: it is retried from the
        # EventSource `websocket_retry` seconds later (at once after other failures,
        # such as a server that was down while restarting).
        self._websocket_blocked_at = -math.inf
        self.stats = ListenerStats()

    @property
    def transport(self) -> Transport:
        """Return the transport in use, or the one tried next."""
        return self.stats.transport

    async def run(self) -> None:
        """Listen until cancelled; raise PlexAuthenticationError if the token is rejected."""
        while True:
            session = _Session(self.stats.transport)
            error: PlexError | None = None
            try:
                await self._connect(session)
            except PlexAuthenticationError as err:
                self._disconnected(session, err)
                raise
            except PlexError as err:
                error = err
            self._disconnected(session, error)
            self.stats.transport = self._next_transport(session, error)
            await self._sleep(self._next_delay(session, error))

    async def _connect(self, session: _Session) -> None:
        stats = self.stats
        async with open_stream(
            self._client,
            session.transport,
            heartbeat=self._heartbeat,
            silence=self._silence,
        ) as stream:
            stats.connected = session.connected = True
            stats.connects += 1
            stats.by_transport[session.transport]["connects"] += 1
            stats.frames_since_connect = 0
            if not await self._on_connected():
                raise PlexConnectionError("the resync after connecting failed")
            # Connected and resynced: the server works, start backoff afresh.
            # Stability counts from here, not from the handshake: a resync
            # that times out must not make a connection look stable.
            session.up_since = time.monotonic()
            session.reading = True
            self.backoff.reset()
            try:
                await self._receive(stream, session)
            finally:
                session.retry = stream.retry

    def _disconnected(self, session: _Session, error: PlexError | None) -> None:
        stats = self.stats
        was_connected = stats.connected
        stats.connected = False
        if error is not None:
            stats.last_error = stats.last_errors[session.transport] = str(error)
            if not was_connected:
                stats.failed_attempts += 1
                stats.by_transport[session.transport]["failed_attempts"] += 1
        self._on_disconnected(error)

    def _next_transport(self, session: _Session, error: PlexError | None) -> Transport:
        """Choose the transport of the next attempt (the policy in the class doc)."""
        if session.websocket_works:
            return Transport.WEBSOCKET
        silent = session.reading and not session.delivered and error is not None
        failed = silent or (error is not None and not session.connected)
        if session.transport is Transport.WEBSOCKET:
            if silent or isinstance(error, PlexWebsocketRefusedError):
                self._websocket_blocked_at = time.monotonic()
            # Whatever failed to connect, the other transport is tried next.
            return Transport.EVENTSOURCE if failed else Transport.WEBSOCKET
        if failed or self._websocket_due():
            return Transport.WEBSOCKET
        return Transport.EVENTSOURCE

    def _websocket_due(self) -> bool:
        return time.monotonic() - self._websocket_blocked_at >= self._websocket_retry

    def _next_delay(self, session: _Session, error: PlexError | None) -> float:
        if session.websocket_works:
            return 0.0
        stable = (
            session.up_since is not None
            and time.monotonic() - session.up_since >= self._stable_after
        )
        if stable:
            self.backoff.reset()
            delay = 0.0 if error is None else self.backoff.next_delay()
        else:
            delay = self.backoff.next_delay()
        if session.retry is not None:  # the EventSource asked to wait so long
            delay = max(delay, min(session.retry, self.backoff.maximum))
        return delay

    async def _receive(self, stream: NotificationStream, session: _Session) -> None:
        """Read frames until the server closes the connection or it dies.

        Transports hand out buffered frames without suspending, so a burst of
        thousands is applied in slices of `YIELD_AFTER` seconds, so that it never
        holds up the event loop. On the EventSource, a due websocket probe ends the
        session when the websocket's upgrade works.
        """
        stats = self.stats
        counters = stats.by_transport[session.transport]
        busy_since = time.monotonic()
        while (frame := await stream.receive()) is not None:
            busy_since = await yield_if_busy(busy_since)
            session.delivered = True
            stats.last_message_at = time.monotonic()
            if frame.data is None and frame.skipped is None:  # a keepalive
                counters["keepalives"] += 1
                if (
                    session.transport is Transport.EVENTSOURCE
                    and self._websocket_due()
                    and await self._websocket_upgrade_works()
                ):
                    session.websocket_works = True
                    return
                continue
            stats.frames += 1
            stats.frames_since_connect += 1
            counters["frames"] += 1
            if frame.data is None:
                stats.skipped[str(frame.skipped)] += 1
                continue
            try:
                events = parse_notification(frame.data, event=frame.event)
            except SkippedFrameError as skipped:
                stats.skipped[skipped.reason] += 1
                continue
            stats.events += len(events)
            counters["events"] += len(events)
            self._on_events(events)

    async def _websocket_upgrade_works(self) -> bool:
        """Try the websocket's handshake while the EventSource carries on."""
        try:
            async with self._client.connect_notifications():
                return True
        except PlexAuthenticationError:
            raise
        except PlexError as err:
            self._websocket_blocked_at = time.monotonic()
            self.stats.last_errors[Transport.WEBSOCKET] = str(err)
            return False
