"""Notification channels: subscription filters, frames and connections."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from aiohttp import WSCloseCode, web

from plex_simulator.render import dumps

if TYPE_CHECKING:
    from collections.abc import Callable

WEBSOCKET_PATH: Final = "/:/websockets/notifications"

# How long a server-side close may take before the transport is dropped.
_CLOSE_TIMEOUT: Final = 2.0


@dataclass(frozen=True, slots=True)
class NotificationFilter:
    """Which notification types one websocket receives (the ``filters`` query).

    Attributes:
        types: The listed types.
        exclude: True when ``types`` are the ones *not* to send.
    """

    types: frozenset[str]
    exclude: bool

    @classmethod
    def parse(cls, value: str | None) -> NotificationFilter:
        """Parse the ``filters`` query parameter like Plex does.

        Absent means everything except ``log``; empty means everything; a
        comma list means only those types; a leading ``-`` turns the list
        into types to leave out.

        Args:
            value: The parameter value, None when absent.

        Returns:
            The filter.
        """
        if value is None:
            return cls(types=frozenset({"log"}), exclude=True)
        text = value.strip()
        exclude = text.startswith("-")
        if exclude:
            text = text[1:]
        types = frozenset(item.strip() for item in text.split(",") if item.strip())
        if not types:
            return cls(types=frozenset(), exclude=True)
        return cls(types=types, exclude=exclude)

    def accepts(self, notification_type: str) -> bool:
        """Tell whether a notification of this type passes the filter."""
        return (notification_type in self.types) != self.exclude


def notification_frame(
    notification_type: str, child_key: str, entries: list[dict[str, Any]]
) -> str:
    """Build the text of one notification frame.

    Args:
        notification_type: The ``type`` ("activity", "playing", ...).
        child_key: The key of the entry list ("ActivityNotification", ...).
        entries: The entries.

    Returns:
        The JSON text of the ``NotificationContainer``.
    """
    return dumps(
        {
            "NotificationContainer": {
                "type": notification_type,
                "size": len(entries),
                child_key: entries,
            }
        }
    )


@dataclass(frozen=True, slots=True)
class _Close:
    """A queued request to close the socket once earlier frames are written."""

    code: int


@dataclass(frozen=True, slots=True)
class _Stop:
    """A queued request to end the writer task."""


@dataclass(frozen=True, slots=True)
class Uncounted:
    """Text written like a frame but not counted in ``frames_sent`` (a keepalive)."""

    text: str


type _QueueItem = str | bytes | Uncounted | _Close | _Stop
# (token, notification type, entries) -> the entries that token's holder receives.
type Audience = Callable[[str, str, list[dict[str, Any]]], list[dict[str, Any]]]


class QueuedConnection:
    """One accepted notification connection with its ordered send queue.

    Subclasses say how a frame is written and how the connection closes; the queue,
    the order, silence and the counters are the same for every transport.
    """

    transport = "websocket"
    """The transport's name: ``websocket`` or ``eventsource``."""

    def __init__(
        self,
        *,
        token: str,
        notification_filter: NotificationFilter,
        is_silent: Callable[[], bool],
    ) -> None:
        """Start the writer task.

        Args:
            token: The token the client authenticated with.
            notification_filter: The subscription filter.
            is_silent: Tells whether the server plays dead right now.
        """
        self.token = token
        self.filter = notification_filter
        self._is_silent = is_silent
        self.silent = False
        """True makes this one connection play dead (no frames, pings or pongs);
        connections opened later are not affected."""
        self._queue: asyncio.Queue[_QueueItem] = asyncio.Queue()
        self.frames_sent = 0
        self.pings = 0
        """The pings received from the client (websocket only)."""
        self._writer = asyncio.get_running_loop().create_task(
            self._write_loop(), name=f"plex-simulator-{self.transport}-writer"
        )

    def render(
        self, notification_type: str, child_key: str, entries: list[dict[str, Any]]
    ) -> str:
        """Return the text that carries one notification on this transport."""
        return notification_frame(notification_type, child_key, entries)

    @property
    def closed(self) -> bool:
        """Whether the connection is closed already."""
        raise NotImplementedError

    @property
    def is_silent(self) -> bool:
        """Whether this connection plays dead now (it alone, or the whole server)."""
        return self.silent or self._is_silent()

    async def _write(self, data: str | bytes) -> None:
        raise NotImplementedError

    async def _close(self, code: int) -> None:
        raise NotImplementedError

    def enqueue(self, item: _QueueItem) -> None:
        """Queue a frame (or a close) behind the ones already queued."""
        self._queue.put_nowait(item)

    def close_later(self, code: int) -> None:
        """Close the connection once the frames queued so far are written."""
        self.enqueue(_Close(code))

    async def flush(self) -> None:
        """Wait until every queued item is handled."""
        await self._queue.join()

    async def _write_loop(self) -> None:
        """Write queued frames in order; after a close, drop the rest."""
        closed = False
        while True:
            item = await self._queue.get()
            try:
                if isinstance(item, _Stop):
                    return
                if closed or self.closed:
                    continue
                if isinstance(item, _Close):
                    closed = True
                    async with asyncio.timeout(_CLOSE_TIMEOUT):
                        await self._close(item.code)
                elif self.is_silent:
                    continue
                elif isinstance(item, Uncounted):
                    await self._write(item.text)
                else:
                    await self._write(item)
                    self.frames_sent += 1
            except ConnectionError, RuntimeError, TimeoutError:
                closed = True
            finally:
                self._queue.task_done()

    async def finish(self) -> None:
        """Stop the writer and mark whatever is still queued as handled."""
        self.enqueue(_Stop())
        done, _pending = await asyncio.wait({self._writer}, timeout=_CLOSE_TIMEOUT)
        if not done:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer
        while not self._queue.empty():
            self._queue.get_nowait()
            self._queue.task_done()


class Connection(QueuedConnection):
    """One accepted notification websocket."""

    def __init__(
        self,
        websocket: web.WebSocketResponse,
        *,
        token: str,
        notification_filter: NotificationFilter,
        is_silent: Callable[[], bool],
    ) -> None:
        """Wrap an open websocket and start its writer task.

        Args:
            websocket: The prepared server-side websocket.
            token: The token the client authenticated with.
            notification_filter: The subscription filter.
            is_silent: Tells whether the server plays dead right now.
        """
        self.websocket = websocket
        super().__init__(
            token=token, notification_filter=notification_filter, is_silent=is_silent
        )

    @property
    def closed(self) -> bool:
        """Whether the websocket is closed already."""
        return self.websocket.closed

    async def _write(self, data: str | bytes) -> None:
        if isinstance(data, str):
            await self.websocket.send_str(data)
        else:
            await self.websocket.send_bytes(data)

    async def _close(self, code: int) -> None:
        await self.websocket.close(code=code)


class NotificationHub:
    """All open notification connections (websockets and EventSource streams)."""

    def __init__(self, *, audience: Audience | None = None) -> None:
        """Start with no connections.

        Args:
            audience: Picks the entries of a notification that the holder of a
                token receives (a shared user gets only its own activities).
        """
        self._audience = audience
        self._connections: list[QueuedConnection] = []
        self._finished: dict[QueuedConnection, asyncio.Event] = {}
        self._changed = asyncio.Event()

    @property
    def count(self) -> int:
        """The number of open connections."""
        return len(self._connections)

    @property
    def connections(self) -> list[QueuedConnection]:
        """A copy of the list of open connections."""
        return list(self._connections)

    def register(self, connection: QueuedConnection) -> None:
        """Add a newly accepted connection."""
        self._connections.append(connection)
        self._finished[connection] = asyncio.Event()
        self._notify_change()

    async def unregister(self, connection: QueuedConnection) -> None:
        """Remove a connection whose handler is ending."""
        if connection in self._connections:
            self._connections.remove(connection)
        await connection.finish()
        if (finished := self._finished.pop(connection, None)) is not None:
            finished.set()
        self._notify_change()

    def _notify_change(self) -> None:
        """Wake up everyone waiting for the connection count to change."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_until(self, predicate: Callable[[int], bool]) -> None:
        """Wait until ``predicate`` holds for the number of open connections."""
        while not predicate(len(self._connections)):
            await self._changed.wait()

    def broadcast(
        self, notification_type: str, child_key: str, entries: list[dict[str, Any]]
    ) -> None:
        """Queue a notification on every connection whose filter accepts it."""
        targets = [c for c in self._connections if c.filter.accepts(notification_type)]
        if not targets:
            return
        # Rendered once per transport (and audience), not once per connection.
        texts: dict[tuple[type[QueuedConnection], str | None], str] = {}
        for connection in targets:
            visible = entries
            if self._audience is not None:
                visible = self._audience(connection.token, notification_type, entries)
                if visible is not entries and not visible:
                    continue
            key = (type(connection), None if visible is entries else connection.token)
            if key not in texts:
                texts[key] = connection.render(notification_type, child_key, visible)
            connection.enqueue(texts[key])

    def send_raw(self, data: str | bytes) -> None:
        """Queue a raw frame on every connection, ignoring filters."""
        for connection in self._connections:
            connection.enqueue(data)

    async def flush(self) -> None:
        """Wait until every connection has written what was queued."""
        await asyncio.gather(*(c.flush() for c in self._connections))

    def close_where(
        self,
        predicate: Callable[[QueuedConnection], bool],
        code: int = WSCloseCode.GOING_AWAY,
    ) -> list[QueuedConnection]:
        """Close, after their queued frames, the connections matching ``predicate``.

        Returns:
            The connections being closed.
        """
        chosen = [c for c in self._connections if predicate(c)]
        for connection in chosen:
            connection.close_later(code)
        return chosen

    async def close_all(self, code: int = WSCloseCode.GOING_AWAY) -> None:
        """Close every connection and wait until their handlers are done."""
        chosen = self.close_where(lambda _connection: True, code)
        await self.wait_finished(chosen)

    async def wait_finished(self, connections: list[QueuedConnection]) -> None:
        """Wait until the handlers of these connections are done."""
        events = [
            event for c in connections if (event := self._finished.get(c)) is not None
        ]
        if not events:
            return
        async with asyncio.timeout(_CLOSE_TIMEOUT * 2):
            await asyncio.gather(*(event.wait() for event in events))
