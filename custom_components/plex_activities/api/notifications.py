"""The notification listener: keeps a channel up and hands activity events on."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
import logging
import time
from typing import TYPE_CHECKING

from .cooperative import yield_if_busy
from .exceptions import PlexAuthenticationError, PlexConnectionError, PlexError
from .frames import SkippedFrameError, parse_notification
from .reconnect import Backoff, ReconnectPolicy, Session
from .streams import Transport, open_stream

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Sequence

    from .activities import ActivityEvent
    from .client import PlexClient
    from .streams import NotificationStream

_LOGGER = logging.getLogger(__name__)
# After an unexpected error (a bug), reconnect no sooner than this.
UNEXPECTED_ERROR_PAUSE = 30.0


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


class NotificationListener(ReconnectPolicy):
    """Keeps a notification channel up and hands activity events to the caller.

    The reconnect policy (ReconnectPolicy, reconnect.py) is the same for both
    transports; a stop (PlexAuthenticationError propagates) when the token is
    rejected. `on_connected` runs after every (re)connect, before any frame is read, so
    the caller can resync over REST without missing what arrives meanwhile. It returns
    whether the resync worked: a failed resync counts as a failed connection (no
    backoff reset), and a connection counts as stable only from a successful resync on.
    Frames, resync, backoff and reauth are the same on both transports.
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
        super().__init__(
            backoff=backoff, websocket_retry=websocket_retry, stable_after=stable_after
        )
        self._client = client
        self._on_events = on_events
        self._on_connected = on_connected
        self._on_disconnected = on_disconnected
        self._heartbeat = heartbeat
        self._silence = eventsource_silence
        self._sleep = sleep
        self.stats = ListenerStats()

    @property
    def transport(self) -> Transport:
        """Return the transport in use, or the one tried next."""
        return self.stats.transport

    async def run(self) -> None:
        """Listen until cancelled; raise PlexAuthenticationError if the token is rejected."""
        logged_unexpected = False
        while True:
            session = Session(self.stats.transport)
            error: PlexError | None = None
            pause = 0.0
            try:
                await self._connect(session)
            except PlexAuthenticationError as err:
                self._disconnected(session, err)
                raise
            except PlexError as err:
                error = err
            except Exception:  # noqa: BLE001 - a bug must not end live updates for good
                # Logged with its traceback once; a bug that recurs (every frame of a
                # long scan) is a debug line, and reconnects no faster than the pause.
                log = _LOGGER.debug if logged_unexpected else _LOGGER.exception
                log("Unexpected error handling notifications; reconnecting")
                logged_unexpected = True
                error = PlexConnectionError("an unexpected error ended the connection")
                pause = UNEXPECTED_ERROR_PAUSE
            self._disconnected(session, error)
            self.stats.transport = self._next_transport(session, error)
            await self._sleep(max(pause, self._next_delay(session, error)))

    async def _connect(self, session: Session) -> None:
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

    def _disconnected(self, session: Session, error: PlexError | None) -> None:
        stats = self.stats
        was_connected = stats.connected
        stats.connected = False
        if error is not None:
            stats.last_error = stats.last_errors[session.transport] = str(error)
            if not was_connected:
                stats.failed_attempts += 1
                stats.by_transport[session.transport]["failed_attempts"] += 1
        self._on_disconnected(error)

    async def _receive(self, stream: NotificationStream, session: Session) -> None:
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
            self._block_websocket()
            self.stats.last_errors[Transport.WEBSOCKET] = str(err)
            return False
