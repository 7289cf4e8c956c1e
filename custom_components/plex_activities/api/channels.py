"""Opening a server's notification channels: the websocket and the EventSource."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Final

import aiohttp

from .exceptions import PlexEventSourceRefusedError, PlexWebsocketRefusedError
from .frames import MAX_FRAME_BYTES
from .rest import RestCore

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

NOTIFICATIONS_PATH: Final = "/:/websockets/notifications"
EVENTSOURCE_PATH: Final = "/:/eventsource/notifications"
# A stream stays open for as long as it works: no total timeout, whatever the session's.
_STREAM_TIMEOUT: Final = aiohttp.ClientTimeout(total=None, sock_read=None)
# aiohttp's own limit sits above the parser's MAX_FRAME_BYTES so that an oversized frame
# is counted and skipped instead of breaking the connection.
_WS_MAX_MSG_SIZE: Final = 16 * MAX_FRAME_BYTES


class NotificationChannels(RestCore):
    """The client's notification channels; the token goes in the handshake's header."""

    @asynccontextmanager
    async def connect_notifications(
        self, *, filters: str = "activity"
    ) -> AsyncIterator[aiohttp.ClientWebSocketResponse]:
        """Open the notification websocket; the token goes in the upgrade's header.

        Pings are not answered automatically (`autoping=False`): the reader answers the
        server's pings and runs its own keepalive (see NotificationListener).
        """
        url = self._build_url(NOTIFICATIONS_PATH, websocket=True).with_query(
            filters=filters
        )
        status: int | None = None
        try:
            async with asyncio.timeout(self.request_timeout):
                websocket = await self._session.ws_connect(
                    url,
                    headers={**self._headers, "X-Plex-Token": self._token},
                    autoping=False,
                    ssl=self._ssl,
                    max_msg_size=_WS_MAX_MSG_SIZE,
                )
        except aiohttp.WSServerHandshakeError as err:
            # It carries the request headers (and so the token): keep only the status,
            # raise outside this handler so that it is never chained.
            status = err.status
        except (aiohttp.ClientError, OSError, TimeoutError) as err:
            raise self._map_transport_error(err, "notification websocket") from None
        if status is not None:
            raise await self.channel_refusal(
                status, "notification websocket", PlexWebsocketRefusedError
            )
        try:
            yield websocket
        finally:
            await websocket.close()

    @asynccontextmanager
    async def connect_eventsource(
        self, *, filters: str = "activity"
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        """Open the notification EventSource; the token goes in the request's header.

        The answer's body is a `text/event-stream` (see EventStreamDecoder); its headers
        arrive within the request timeout, the stream itself has none.
        """
        url = self._build_url(EVENTSOURCE_PATH).with_query(filters=filters)
        headers = {
            **self._headers,
            "Accept": "text/event-stream",
            "X-Plex-Token": self._token,
        }
        try:
            async with asyncio.timeout(self.request_timeout):
                response = await self._session.get(
                    url,
                    headers=headers,
                    ssl=self._ssl,
                    timeout=_STREAM_TIMEOUT,
                    middlewares=(self._stay_on_server,),
                )
        except (aiohttp.ClientError, OSError, TimeoutError) as err:
            raise self._map_transport_error(err, "notification EventSource") from None
        if (status := response.status) != 200:
            response.close()
            raise await self.channel_refusal(
                status, "notification EventSource", PlexEventSourceRefusedError
            )
        try:
            yield response
        finally:
            response.close()
