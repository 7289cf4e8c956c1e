"""The reconnect policy of the notification listener, the same for both transports."""

from __future__ import annotations

from dataclasses import dataclass, field
import math
import random
import time

from .exceptions import PlexError, PlexWebsocketRefusedError
from .streams import Transport


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


@dataclass
class Session:
    """One connection attempt, as the reconnect policy needs to know it."""

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


class ReconnectPolicy:
    """When to try again, and over which transport (NotificationListener's base).

    Capped, jittered exponential backoff that never gives up; an immediate retry after
    a clean close of a connection that had been stable (up `stable_after` seconds from
    a successful resync on); the EventSource's `retry` respected.

    Transports: the websocket first. When a transport fails to connect or opens but
    never delivers anything, the other one is tried next, so while nothing works they
    take turns. A websocket that was refused (a proxy) or silent is tried again from a
    working EventSource at most every `websocket_retry` seconds (10 minutes), after
    other failures (a server restarting) at once; it is taken back when its upgrade
    works.
    """

    def __init__(
        self, *, backoff: Backoff | None, websocket_retry: float, stable_after: float
    ) -> None:
        """Start with a fresh backoff and nothing blocked."""
        self.backoff = backoff or Backoff()
        self._websocket_retry = websocket_retry
        self._stable_after = stable_after
        # When the websocket was last refused or found silent: it is retried from the
        # EventSource `websocket_retry` seconds later (at once after other failures,
        # such as a server that was down while restarting).
        self._websocket_blocked_at = -math.inf

    def _block_websocket(self) -> None:
        self._websocket_blocked_at = time.monotonic()

    def _websocket_due(self) -> bool:
        return time.monotonic() - self._websocket_blocked_at >= self._websocket_retry

    def _next_transport(self, session: Session, error: PlexError | None) -> Transport:
        """Choose the transport of the next attempt (the policy in the class doc)."""
        if session.websocket_works:
            return Transport.WEBSOCKET
        silent = session.reading and not session.delivered and error is not None
        failed = silent or (error is not None and not session.connected)
        if session.transport is Transport.WEBSOCKET:
            if silent or isinstance(error, PlexWebsocketRefusedError):
                self._block_websocket()
            # Whatever failed to connect, the other transport is tried next.
            return Transport.EVENTSOURCE if failed else Transport.WEBSOCKET
        if failed or self._websocket_due():
            return Transport.WEBSOCKET
        return Transport.EVENTSOURCE

    def _next_delay(self, session: Session, error: PlexError | None) -> float:
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
