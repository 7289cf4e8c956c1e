"""Opening a server's notification channels: the websocket and the EventSource."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Final

import aiohttp

from .exceptions import (
    PlexChannelRefusedError,
    PlexConnectionError,
    PlexError,
    PlexEventSourceRefusedError,
    PlexRedirectError,
    PlexWebsocketRefusedError,
)
from .frames import MAX_FRAME_BYTES
from .rest import RestCore

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

NOTIFICATIONS_PATH: Final = "/:/websockets/notifications"
EVENTSOURCE_PATH: Final = "/:/eventsource/notifications"
# What opening a channel may fail with besides a redirect elsewhere.
_OPENING_ERRORS: Final = (aiohttp.ClientError, OSError, TimeoutError)
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
        async with self._guarded_session() as session:
            status: int | None = None
            try:
                async with asyncio.timeout(self.request_timeout):
                    websocket = await session.ws_connect(
                        url,
                        headers={**self._headers, "X-Plex-Token": self._token},
                        autoping=False,
                        ssl=self._ssl,
                        max_msg_size=_WS_MAX_MSG_SIZE,
                    )
            except aiohttp.WSServerHandshakeError as err:
                # It carries the request headers (and so the token): keep only the
                # status, raise outside this handler so that it is never chained.
                status = err.status
            except (PlexRedirectError, *_OPENING_ERRORS) as err:
                raise self._opening_error(
                    err, "notification websocket", PlexWebsocketRefusedError
                ) from None
            if status is not None:
                raise await self.channel_refusal(
                    status, "notification websocket", PlexWebsocketRefusedError
                )
            try:
                yield websocket
            finally:
                await websocket.close()

    def _opening_error(
        self,
        err: BaseException,
        channel: str,
        refused: type[PlexChannelRefusedError],
    ) -> PlexError:
        """Return what opening a channel failed with as our error, free of secrets.

        A redirect elsewhere (a proxy's sign-in page) refuses the channel, so the other
        one takes over; anything else is a connection error.
        """
        if isinstance(err, PlexRedirectError):
            return refused(f"{self._base} redirects the {channel} elsewhere")
        return self._map_transport_error(err, channel)

    @asynccontextmanager
    async def _guarded_session(self) -> AsyncIterator[aiohttp.ClientSession]:
        """Yield a session on the shared one's connections that keeps redirects home.

        `ws_connect` follows redirects whatever it is told and takes no middleware of
        its own, so the handshake goes through a session of its own with
        `_stay_on_server`: the shared session's connector (not closed with it), headers
        and timeout.
        """
        shared = self._session
        if shared.closed or (connector := shared.connector) is None:
            raise PlexConnectionError(f"cannot connect to {self._base}: session closed")
        session = aiohttp.ClientSession(
            connector=connector,
            connector_owner=False,
            headers=shared.headers,
            timeout=shared.timeout,
            middlewares=(self._stay_on_server,),
        )
        try:
            yield session
        finally:
            await session.close()

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
        except (PlexRedirectError, *_OPENING_ERRORS) as err:
            raise self._opening_error(
                err, "notification EventSource", PlexEventSourceRefusedError
            ) from None
        if (status := response.status) != 200:
            response.close()
            raise await self.channel_refusal(
                status, "notification EventSource", PlexEventSourceRefusedError
            )
        try:
            yield response
        finally:
            response.close()
