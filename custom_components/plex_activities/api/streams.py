"""The two notification transports, read the same way: frames in, liveness kept.

Plex pushes notifications over a websocket or an EventSource (`text/event-stream`).
Each transport here hides its own framing and keepalive behind `receive()`, which
returns the next `Frame`; the listener (notifications.py) hands frames to the parser
(frames.py) and follows the reconnect policy (reconnect.py) for both.
"""

from __future__ import annotations

import asyncio
from collections import deque
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Final, Protocol

import aiohttp

from .eventsource import EventStreamDecoder
from .exceptions import PlexConnectionError
from .frames import MAX_FRAME_BYTES

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable

    from .client import PlexClient
    from .eventsource import ServerSentEvent


class Transport(StrEnum):
    """A notification channel."""

    WEBSOCKET = "websocket"
    EVENTSOURCE = "eventsource"


@dataclass(frozen=True, slots=True)
class Frame:
    """What a transport received: a notification, or only a sign of life.

    `data` is the notification's JSON text; `event` the EventSource event name (None on
    the websocket); `skipped` names why a frame carries nothing usable (`binary`,
    `too_large`). A frame with neither data nor skipped is a keepalive (a pong, a ping).
    """

    data: str | None = None
    event: str | None = None
    skipped: str | None = None


_KEEPALIVE = Frame()


class NotificationStream(Protocol):
    """One open notification connection."""

    @property
    def retry(self) -> float | None:
        """The reconnection time the server asked for (EventSource `retry:`), if any."""

    async def receive(self) -> Frame | None:
        """Return the next frame, None when the server closed the connection.

        Raise PlexConnectionError when the connection broke or went silent.
        """


class WebsocketStream:
    """Reads the notification websocket and keeps it alive.

    Keepalive: after `heartbeat` seconds without any frame a ping goes out, and a
    connection that does not answer within half of that is declared dead. The server's
    pings are answered.
    """

    retry: Final = None

    def __init__(
        self, websocket: aiohttp.ClientWebSocketResponse, *, heartbeat: float
    ) -> None:
        """Wrap an open websocket."""
        self._websocket = websocket
        self._heartbeat = heartbeat
        self._awaiting_pong = False

    async def receive(self) -> Frame | None:
        """Return the next frame (see NotificationStream)."""
        websocket = self._websocket
        while True:
            try:
                message = await websocket.receive(
                    timeout=self._heartbeat / 2
                    if self._awaiting_pong
                    else self._heartbeat
                )
            except TimeoutError:
                if self._awaiting_pong:
                    raise PlexConnectionError(
                        "the notification websocket did not answer the keepalive ping"
                    ) from None
                await self._send(websocket.ping())
                self._awaiting_pong = True
                continue
            self._awaiting_pong = False
            kind = message.type
            if kind is aiohttp.WSMsgType.TEXT:
                return Frame(data=message.data)
            if kind is aiohttp.WSMsgType.BINARY:
                return Frame(skipped="binary")
            if kind is aiohttp.WSMsgType.PING:
                await self._send(websocket.pong(message.data))
            elif kind is aiohttp.WSMsgType.PONG:
                return _KEEPALIVE
            elif kind is aiohttp.WSMsgType.ERROR:
                raise PlexConnectionError(
                    f"notification websocket failed: {type(message.data).__name__}"
                )
            else:  # CLOSE, CLOSING, CLOSED: the server ended the connection
                return None

    @staticmethod
    async def _send(control: Awaitable[None]) -> None:
        try:
            await control
        except (aiohttp.ClientError, OSError, RuntimeError) as err:
            raise PlexConnectionError(
                f"notification websocket failed: {type(err).__name__}"
            ) from None


class EventSourceStream:
    """Reads the notification EventSource.

    Plex sends a `ping` event every 10 seconds, so `silence` seconds without a byte
    (30 by default) mean a dead stream.
    """

    def __init__(self, response: aiohttp.ClientResponse, *, silence: float) -> None:
        """Wrap an open `text/event-stream` response."""
        self._response = response
        self._silence = silence
        self._decoder = EventStreamDecoder(max_data=MAX_FRAME_BYTES)
        self._pending: deque[ServerSentEvent] = deque()

    @property
    def retry(self) -> float | None:
        """Return the reconnection time the server asked for, if any."""
        return self._decoder.retry

    async def receive(self) -> Frame | None:
        """Return the next frame (see NotificationStream)."""
        while not self._pending:
            try:
                async with asyncio.timeout(self._silence):
                    chunk = await self._response.content.readany()
            except TimeoutError:
                raise PlexConnectionError(
                    "the notification EventSource was silent for "
                    f"{self._silence:g} s (no ping)"
                ) from None
            except (aiohttp.ClientError, OSError) as err:
                raise PlexConnectionError(
                    f"notification EventSource failed: {type(err).__name__}"
                ) from None
            if not chunk:
                return None
            oversized = self._decoder.oversized
            self._pending.extend(self._decoder.feed(chunk))
            if self._decoder.oversized > oversized:
                return Frame(skipped="too_large")
            if not self._pending:
                return _KEEPALIVE  # bytes arrived: the stream lives
        message = self._pending.popleft()
        if message.event == "ping":
            return _KEEPALIVE
        return Frame(data=message.data, event=message.event)


@asynccontextmanager
async def open_stream(
    client: PlexClient, transport: Transport, *, heartbeat: float, silence: float
) -> AsyncIterator[NotificationStream]:
    """Open a notification connection over `transport`."""
    if transport is Transport.WEBSOCKET:
        async with client.connect_notifications() as websocket:
            yield WebsocketStream(websocket, heartbeat=heartbeat)
    else:
        async with client.connect_eventsource() as response:
            yield EventSourceStream(response, silence=silence)
