"""The EventSource notification channel: ``GET /:/eventsource/notifications``.

Plex documents it next to the websocket: the same ``filters``, the same token options,
a ``text/event-stream`` answer where each message names its type in ``event:`` and
carries the notification in ``data:``, and a ``ping`` event every 10 seconds. Third-party
clients read ``data`` without the ``NotificationContainer`` wrapper and with the child as
one object; the other shapes are available for tests (``EventSourceSettings.data_shape``).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal

from aiohttp import web

from plex_simulator.notifications import (
    NotificationFilter,
    QueuedConnection,
    Uncounted,
    notification_frame,
)
from plex_simulator.render import PROTOCOL_HEADERS, dumps

if TYPE_CHECKING:
    from plex_simulator.notifications import NotificationHub

EVENTSOURCE_PATH: Final = "/:/eventsource/notifications"
EVENT_STREAM_CONTENT_TYPE: Final = "text/event-stream"
PING_MESSAGE: Final = "event: ping\ndata: {}\n\n"

type DataShape = Literal["object", "array", "container"]


@dataclass(kw_only=True)
class EventSourceSettings:
    """How the simulator's EventSource behaves; tests change it at run time.

    Attributes:
        enabled: False makes the path answer 404.
        silent: True stops events and pings, like a stream that died silently.
        ping_interval: Seconds between ``ping`` events (Plex: 10).
        data_shape: ``object``: ``{"ActivityNotification": {...}}``, one message per
            entry (what third-party clients read); ``array``: the same with the list
            of entries; ``container``: the websocket's ``NotificationContainer``.
    """

    enabled: bool = True
    silent: bool = False
    ping_interval: float = 10.0
    data_shape: DataShape = "object"


def event_message(event: str, data: str) -> str:
    """Return one ``text/event-stream`` message: its event name and its data."""
    return f"event: {event}\ndata: {data}\n\n"


class EventSourceConnection(QueuedConnection):
    """One open EventSource stream with its ordered send queue and its pings."""

    transport = "eventsource"

    def __init__(
        self,
        response: web.StreamResponse,
        *,
        token: str,
        notification_filter: NotificationFilter,
        settings: EventSourceSettings,
    ) -> None:
        """Wrap a prepared stream response and start writing and pinging.

        Args:
            response: The prepared ``text/event-stream`` response.
            token: The token the client authenticated with.
            notification_filter: The subscription filter.
            settings: The simulator's EventSource settings.
        """
        self._response = response
        self._settings = settings
        self._ended = asyncio.Event()
        super().__init__(
            token=token,
            notification_filter=notification_filter,
            is_silent=lambda: settings.silent,
        )
        self._pinger = asyncio.get_running_loop().create_task(
            self._ping_loop(), name="plex-simulator-eventsource-pings"
        )

    def render(
        self, notification_type: str, child_key: str, entries: list[dict[str, Any]]
    ) -> str:
        """Return the messages that carry one notification, in the chosen shape."""
        shape = self._settings.data_shape
        if shape == "container":
            data = notification_frame(notification_type, child_key, entries)
            return event_message(notification_type, data)
        if shape == "array":
            return event_message(notification_type, dumps({child_key: entries}))
        return "".join(
            event_message(notification_type, dumps({child_key: entry}))
            for entry in entries
        )

    @property
    def closed(self) -> bool:
        """Whether the stream has ended."""
        return self._ended.is_set()

    async def _write(self, data: str | bytes) -> None:
        try:
            await self._response.write(data.encode() if isinstance(data, str) else data)
        except ConnectionError, RuntimeError:  # the client went away
            self._ended.set()
            raise

    async def _close(self, code: int) -> None:
        del code  # a stream just ends
        self._ended.set()

    async def _ping_loop(self) -> None:
        while not self._ended.is_set():
            await asyncio.sleep(self._settings.ping_interval)
            self.enqueue(Uncounted(PING_MESSAGE))

    async def wait_ended(self) -> None:
        """Wait until the stream is closed by the server or found broken."""
        await self._ended.wait()

    async def finish(self) -> None:
        """Stop pinging and writing."""
        self._ended.set()
        self._pinger.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._pinger
        await super().finish()

    async def _write_loop(self) -> None:
        try:
            await super()._write_loop()
        finally:
            self._ended.set()


async def serve_eventsource(
    request: web.Request,
    *,
    hub: NotificationHub,
    settings: EventSourceSettings,
    token: str,
) -> web.StreamResponse:
    """Answer ``GET /:/eventsource/notifications`` with a stream until it ends.

    Args:
        request: The authenticated request.
        hub: The simulator's notification connections.
        settings: The EventSource settings.
        token: The token the request carried.

    Returns:
        The finished stream response.
    """
    response = web.StreamResponse(
        headers={**PROTOCOL_HEADERS, "Cache-Control": "no-cache"}
    )
    response.content_type = EVENT_STREAM_CONTENT_TYPE
    await response.prepare(request)
    connection = EventSourceConnection(
        response,
        token=token,
        notification_filter=NotificationFilter.parse(request.query.get("filters")),
        settings=settings,
    )
    hub.register(connection)
    try:
        await connection.wait_ended()
    finally:
        await hub.unregister(connection)
    return response
