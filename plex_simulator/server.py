"""The :class:`PlexSimulator`: a controllable fake Plex Media Server."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, Unpack

from aiohttp import WSCloseCode, web

from plex_simulator.app import create_app
from plex_simulator.butler import Butler
from plex_simulator.eventsource import EventSourceSettings
from plex_simulator.faults import RouteFaults
from plex_simulator.library_ops import LibraryOperations
from plex_simulator.notifications import NotificationHub
from plex_simulator.shared_users import SharedUsers
from plex_simulator.state import (
    DEFAULT_LIBRARIES,
    ActivityChanges,
    ActivityStore,
    Library,
    NewActivity,
    RequestRecord,
    ServerIdentity,
    build_activity,
    complete_activity,
)
from plex_simulator.work import WorkRunner

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    import ssl

__all__ = ["PlexSimulator", "RequestRecord"]

# How long a shutdown waits for in-flight HTTP requests.
_SHUTDOWN_TIMEOUT = 1.0


class PlexSimulator:
    """A fake Plex Media Server on a real loopback socket.

    Tests change its state with plain method calls (``start_activity`` and
    friends), which also queue the matching websocket notifications, and
    inject faults through the public attributes below.

    Attributes:
        host: The address to bind.
        latency: Seconds added before every HTTP response (REST routes and
            the websocket handshake).
        rest_failure_status: When set, every REST route except ``/identity``
            answers this status with an HTML body.
        rest_failure_body: Replaces the body of those failures.
        rest_failure_content_type: Replaces their content type (``text/html``
            by default), e.g. ``application/json`` to serve broken JSON.
        websocket_enabled: False makes the websocket path answer
            ``websocket_refusal_status``, like a reverse proxy that does not pass
            upgrades on: 404 by default, 403 or 401 for one that forbids them (the
            token is fine everywhere else).
        websocket_silent: True makes the server stop answering pings and stop
            sending frames, like a connection that died silently.
        websocket_pong_delay: Seconds the server waits before answering a ping.
        eventsource: How ``/:/eventsource/notifications`` behaves (enabled,
            silent, ping interval, data shape). Its streams count among the
            notification connections (``websocket_count``, ``drop_websockets``).
        auth_failure_status: The status a request with a wrong token gets: 401
            like Plex today; 403 or 498 stand for the statuses of expired tokens.
        route_faults: Single paths slow or failing while the rest works
            (``route_faults.fail("/library/sections", 500)``,
            ``route_faults.set(path, PathFault(delay=1.0))``).
        shared_users: The users the server is shared with, by token; each sees
            and may cancel only its own activities (``shared_users.add(token,
            user_id)``, ``shared_users.refusal_status``); ``stop_sharing(token)``
            also closes that user's notification channels.
        requests: Every HTTP request received, oldest first.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str = "demo",  # noqa: S107 - the simulator's documented demo token
        friendly_name: str = "Plex Simulator",
        machine_identifier: str = "simulated0machine0identifier0001",
        version: str = "1.43.0.10000-simulated",
        platform: str = "Linux",
        libraries: Sequence[Library] | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        """Configure the simulator; :meth:`start` binds it.

        Args:
            host: The address to bind.
            port: The port to bind; 0 picks a free one.
            token: The only token the server accepts.
            friendly_name: The server name.
            machine_identifier: The server id.
            version: The server version string.
            platform: The operating system name.
            libraries: The library sections; four default ones when omitted.
            ssl_context: Serve HTTPS (and WSS) with this context instead of HTTP.
        """
        self.host = host
        self._port = port
        self._ssl_context = ssl_context
        self._token = token
        self._identity = ServerIdentity(
            friendly_name=friendly_name,
            machine_identifier=machine_identifier,
            version=version,
            platform=platform,
        )
        self._libraries: tuple[Library, ...] = tuple(
            DEFAULT_LIBRARIES if libraries is None else libraries
        )
        self._store = ActivityStore()
        self.shared_users = SharedUsers()
        self._hub = NotificationHub(audience=self.shared_users.entries_for)
        self._runner: web.AppRunner | None = None
        self._listening: asyncio.AbstractServer | None = None
        self.latency: float = 0.0
        self.rest_failure_status: int | None = None
        self.rest_failure_body: str | None = None
        self.rest_failure_content_type: str | None = None
        self.websocket_enabled: bool = True
        self.websocket_refusal_status: int = 404
        self.websocket_silent: bool = False
        self.websocket_pong_delay: float = 0.0
        self.eventsource = EventSourceSettings()
        self.auth_failure_status: int = 401
        self.route_faults = RouteFaults()
        self.requests: list[RequestRecord] = []
        # Work started by requests (scans, butler tasks) and its routes.
        self.work = WorkRunner(self)
        self.library_ops = LibraryOperations(self, self.work)
        self.butler = Butler(self, self.work)

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Bind the listener and start serving.

        Raises:
            RuntimeError: The simulator is already running.
        """
        if self._runner is not None:
            raise RuntimeError("the simulator is already running")
        runner = web.AppRunner(
            create_app(self),
            access_log=None,
            handle_signals=False,
            shutdown_timeout=_SHUTDOWN_TIMEOUT,
        )
        await runner.setup()
        site = web.TCPSite(
            runner,
            self.host,
            self._port,
            reuse_address=True,
            ssl_context=self._ssl_context,
        )
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._port = site.port
        self._runner = runner
        self._listening = site._server  # noqa: SLF001 - aiohttp keeps it to itself

    async def stop(self) -> None:
        """Close every websocket and the listener; calling it twice is fine."""
        runner, self._runner = self._runner, None
        if runner is None:
            return
        await self._stop_accepting()
        await self.work.stop()
        try:
            await self._hub.close_all(WSCloseCode.GOING_AWAY)
        finally:
            await runner.cleanup()

    async def _stop_accepting(self) -> None:
        """Accept no more connections, and let those just accepted attach first.

        asyncio attaches an accepted connection to its server in a task of its own; one
        that runs after the server closed fails an assertion inside asyncio (logged as
        an error in the loop). So the listening sockets stop accepting, the loop runs
        the attachments under way, and only then does the server close.
        """
        listening, self._listening = self._listening, None
        if not isinstance(listening, asyncio.Server):
            return
        loop = asyncio.get_running_loop()
        for sock in listening.sockets:
            loop.remove_reader(sock.fileno())
        for _ in range(3):
            await asyncio.sleep(0)

    async def restart(
        self, *, down_for: float = 0.0, clear_activities: bool = True
    ) -> None:
        """Stop, stay down for a while, and start again on the same port.

        Args:
            down_for: Seconds to stay down.
            clear_activities: Forget running activities (without
                notifications), like a real restart does.
        """
        await self.stop()
        if down_for > 0:
            await asyncio.sleep(down_for)
        if clear_activities:
            self._store.clear()
        await self.start()

    @property
    def running(self) -> bool:
        """Whether the listener is up."""
        return self._runner is not None

    @property
    def port(self) -> int:
        """The bound port (the requested one before :meth:`start`)."""
        return self._port

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:32400``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        scheme = "https" if self._ssl_context is not None else "http"
        return f"{scheme}://{host}:{self._port}"

    # ------------------------------------------------------------------ identity

    @property
    def identity(self) -> ServerIdentity:
        """What the server reports about itself."""
        return self._identity

    @property
    def libraries(self) -> tuple[Library, ...]:
        """The library sections; setting them adds or removes sections."""
        return self._libraries

    @libraries.setter
    def libraries(self, libraries: Sequence[Library]) -> None:
        self._libraries = tuple(libraries)

    @property
    def token(self) -> str:
        """The only token the server accepts.

        Setting it revokes the old token: websockets opened with another
        token are closed.
        """
        return self._token

    @token.setter
    def token(self, new_token: str) -> None:
        self.revoke_token(new_token)

    def revoke_token(self, new_token: str) -> None:
        """Accept only ``new_token`` from now on and close other websockets.

        Args:
            new_token: The token to accept.
        """
        self._token = new_token
        self._hub.close_where(
            lambda connection: (
                connection.token != new_token
                and self.shared_users.user_of(connection.token) is None
            ),
            WSCloseCode.POLICY_VIOLATION,
        )

    def stop_sharing(self, token: str) -> None:
        """Stop sharing with the user of ``token`` and close its notification channels.

        From now on the token is a wrong one; its websockets and EventSource streams
        end (after their queued frames), as revoking the owner's token ends the
        owner's, so a client finds out at its next connection attempt.
        """
        self.shared_users.remove(token)
        self._hub.close_where(
            lambda connection: connection.token == token,
            WSCloseCode.POLICY_VIOLATION,
        )

    # ------------------------------------------------------------------ activities

    @property
    def activities(self) -> Mapping[str, dict[str, Any]]:
        """A copy of the running activities: uuid -> activity JSON."""
        return self._store.snapshot()

    def start_activity(self, **fields: Unpack[NewActivity]) -> str:
        """Start an activity and notify ``started``.

        Args:
            **fields: The activity's ``type``, ``title``, ``subtitle``,
                ``progress``, ``cancellable``, ``user_id``, ``context`` and
                ``uuid``; see :class:`NewActivity` for the defaults.

        Returns:
            The activity uuid.
        """
        activity = self._store.add(build_activity(**fields))
        self._notify_activity("started", activity)
        return str(activity["uuid"])

    def update_activity(self, uuid: str, **changes: Unpack[ActivityChanges]) -> None:
        """Change a running activity and notify ``updated``.

        Args:
            uuid: The activity id.
            **changes: The new ``progress``, ``subtitle``, ``title`` or
                ``context`` (which replaces the ``Context``; empty removes it).

        Raises:
            KeyError: No activity has this uuid.
        """
        self._notify_activity("updated", self._store.update(uuid, **changes))

    def end_activity(
        self, uuid: str, *, response: Mapping[str, Any] | None = None
    ) -> None:
        """End a running activity and notify ``ended`` with its last state.

        Args:
            uuid: The activity id.
            response: The activity's result, its ``Response`` object.

        Raises:
            KeyError: No activity has this uuid.
        """
        activity = self._store.remove(uuid)
        if response:
            activity["Response"] = dict(response)
        self._notify_activity("ended", activity)

    def set_activities_silently(self, activities: Sequence[Mapping[str, Any]]) -> None:
        """Replace the running activities without any notification.

        This simulates changes a client missed while disconnected. Missing
        fields get the defaults of :meth:`start_activity`.

        Args:
            activities: Activities in the JSON shape of ``/activities``.
        """
        self._store.replace_all([complete_activity(given) for given in activities])

    def _notify_activity(self, event: str, activity: dict[str, Any]) -> None:
        """Queue an ``activity`` notification for ``event``."""
        self._hub.broadcast(
            "activity",
            "ActivityNotification",
            [{"event": event, "uuid": activity["uuid"], "Activity": activity}],
        )

    # ------------------------------------------------------------------ websockets

    @property
    def notification_hub(self) -> NotificationHub:
        """The open notification websockets (used by the routes)."""
        return self._hub

    @property
    def websocket_count(self) -> int:
        """The number of open notification websockets."""
        return self._hub.count

    async def wait_for_websockets(
        self,
        count: int = 1,
        timeout: float = 10.0,  # noqa: ASYNC109 - part of the control API
    ) -> None:
        """Wait until at least ``count`` notification websockets are open.

        Args:
            count: The number of websockets to wait for.
            timeout: Seconds to wait at most.

        Raises:
            TimeoutError: Fewer websockets were open when the time ran out.
        """
        async with asyncio.timeout(timeout):
            await self._hub.wait_until(lambda open_count: open_count >= count)

    async def wait_for_websocket_count(
        self,
        count: int,
        timeout: float = 10.0,  # noqa: ASYNC109 - part of the control API
    ) -> None:
        """Wait until exactly ``count`` notification websockets are open.

        Useful to wait for a client to go away (``count=0``).

        Args:
            count: The number of websockets to wait for.
            timeout: Seconds to wait at most.

        Raises:
            TimeoutError: A different number was open when the time ran out.
        """
        async with asyncio.timeout(timeout):
            await self._hub.wait_until(lambda open_count: open_count == count)

    async def drop_websockets(self) -> None:
        """Close every websocket cleanly (after frames already queued)."""
        await self._hub.close_all(WSCloseCode.GOING_AWAY)

    def send_raw(self, data: str | bytes) -> None:
        """Send a raw frame to every websocket, ignoring filters.

        Args:
            data: Text (a text frame) or bytes (a binary frame).
        """
        self._hub.send_raw(data)

    def send_notification(
        self,
        type: str,  # noqa: A002 - Plex's own field name
        child_key: str,
        entries: list[dict[str, Any]],
    ) -> None:
        """Send a notification to the websockets whose filters accept ``type``.

        Args:
            type: The notification type, e.g. ``status`` or ``playing``.
            child_key: The key of the entry list, e.g. ``StatusNotification``.
            entries: The entries.
        """
        self._hub.broadcast(type, child_key, entries)

    async def flush(self) -> None:
        """Return once every queued frame was written to every websocket."""
        await self._hub.flush()

    # ------------------------------------------------------------------ requests

    def clear_requests(self) -> None:
        """Forget the request log."""
        self.requests.clear()
