"""The aiohttp application: routes, authentication and fault injection."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Final

from aiohttp import WSMsgType, hdrs, web

from plex_simulator.eventsource import EVENTSOURCE_PATH, serve_eventsource
from plex_simulator.notifications import WEBSOCKET_PATH, Connection, NotificationFilter
from plex_simulator.payloads import (
    activities_container,
    identity_container,
    root_container,
    scanning_sections,
    sections_container,
)
from plex_simulator.render import (
    HTML_CONTENT_TYPE,
    PROTOCOL_HEADERS,
    container_response,
    html_error_body,
    html_response,
)
from plex_simulator.state import RequestRecord

if TYPE_CHECKING:
    from plex_simulator.server import PlexSimulator

AUTH_PARAMETER: Final = "X-Plex-Token"
IDENTITY_PATH: Final = "/identity"

type _Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def request_token(request: web.Request) -> str | None:
    """Return the token of a request: the header first, then the query string."""
    return request.headers.get(AUTH_PARAMETER) or request.query.get(AUTH_PARAMETER)


def _record(request: web.Request) -> RequestRecord:
    """Describe a request for the simulator's request log."""
    headers: dict[str, str] = {}
    for raw_name, raw_value in request.raw_headers:
        name = raw_name.decode("latin-1")
        value = raw_value.decode("utf-8", "replace")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return RequestRecord(
        method=request.method,
        path=request.path,
        query=dict(request.query),
        headers=headers,
        websocket=request.headers.get(hdrs.UPGRADE, "").lower() == "websocket",
    )


class _Routes:
    """Request handlers bound to one simulator."""

    def __init__(self, sim: PlexSimulator) -> None:
        """Bind the handlers to ``sim``."""
        self._sim = sim

    @web.middleware
    async def middleware(
        self, request: web.Request, handler: _Handler
    ) -> web.StreamResponse:
        """Log, delay, fail or refuse requests before they reach a route."""
        sim = self._sim
        sim.requests.append(_record(request))
        if sim.latency > 0:
            await asyncio.sleep(sim.latency)
        if (refusal := self._refusal(request)) is not None:
            return refusal
        if (fault := await sim.route_faults.response(request)) is not None:
            return fault
        try:
            return await handler(request)
        except web.HTTPNotFound:
            return html_response(404)
        except web.HTTPMethodNotAllowed:
            return html_response(405)

    def _refusal(self, request: web.Request) -> web.Response | None:
        """Return the answer to a request that must not reach its route, if any."""
        sim = self._sim
        path = request.path
        if path == IDENTITY_PATH:
            return None
        if path == WEBSOCKET_PATH:
            if not sim.websocket_enabled:
                return html_response(sim.websocket_refusal_status)
        elif path == EVENTSOURCE_PATH:
            if not sim.eventsource.enabled:
                return html_response(404)
        elif (status := sim.rest_failure_status) is not None:
            body = sim.rest_failure_body
            return web.Response(
                status=status,
                text=html_error_body(status) if body is None else body,
                content_type=sim.rest_failure_content_type or HTML_CONTENT_TYPE,
                headers=PROTOCOL_HEADERS,
            )
        token = request_token(request)
        if token != sim.token and (
            status := self._not_owners_status(token, request.method, path)
        ):
            return html_response(status)
        return None

    def _not_owners_status(
        self, token: str | None, method: str, path: str
    ) -> int | None:
        """Return the status of a request without the owner's token; None lets it on."""
        shared_users = self._sim.shared_users
        if shared_users.user_of(token) is None:
            return self._sim.auth_failure_status
        if shared_users.allows(method, path):
            return None
        return shared_users.refusal_status

    async def identity(self, request: web.Request) -> web.Response:
        """``GET /identity``: who the server is (no token needed)."""
        return container_response(request, identity_container(self._sim.identity))

    async def root(self, request: web.Request) -> web.Response:
        """``GET /``: server information and capabilities."""
        return container_response(request, root_container(self._sim.identity))

    async def activities(self, request: web.Request) -> web.Response:
        """``GET /activities``: the running activities."""
        user_id = self._sim.shared_users.user_of(request_token(request))
        return container_response(
            request,
            activities_container(
                activity
                for activity in self._sim.activities.values()
                if self._sim.shared_users.sees(user_id, activity)
            ),
        )

    async def cancel_activity(self, request: web.Request) -> web.Response:
        """``DELETE /activities/{uuid}``: cancel a cancellable activity."""
        activity_uuid = request.match_info["uuid"]
        activity = self._sim.activities.get(activity_uuid)
        if activity is None:
            return html_response(404)
        shared_users = self._sim.shared_users
        if not shared_users.sees(
            shared_users.user_of(request_token(request)), activity
        ):
            return html_response(shared_users.refusal_status)
        if not activity["cancellable"]:
            return html_response(400)
        self._sim.end_activity(activity_uuid)
        return html_response(200, "")

    async def sections(self, request: web.Request) -> web.Response:
        """``GET /library/sections``: the library sections."""
        sim = self._sim
        refreshing = scanning_sections(sim.activities.values())
        refreshing |= sim.library_ops.scanning()
        return container_response(
            request,
            sections_container(
                sim.identity, sim.libraries, refreshing, sim.library_ops.scanned_at
            ),
        )

    async def notifications(self, request: web.Request) -> web.WebSocketResponse:
        """``GET /:/websockets/notifications``: the push channel."""
        sim = self._sim
        websocket = web.WebSocketResponse(autoping=False, compress=False, timeout=2.0)
        await websocket.prepare(request)
        connection = Connection(
            websocket,
            token=request_token(request) or "",
            notification_filter=NotificationFilter.parse(request.query.get("filters")),
            is_silent=lambda: sim.websocket_silent,
        )
        hub = sim.notification_hub
        hub.register(connection)
        try:
            async for message in websocket:
                if message.type is not WSMsgType.PING:
                    continue
                connection.pings += 1
                if sim.websocket_pong_delay > 0:
                    await asyncio.sleep(sim.websocket_pong_delay)
                if not connection.is_silent:
                    await websocket.pong(message.data)
        finally:
            await hub.unregister(connection)
        return websocket

    async def eventsource(self, request: web.Request) -> web.StreamResponse:
        """``GET /:/eventsource/notifications``: the push channel over plain HTTP."""
        sim = self._sim
        return await serve_eventsource(
            request,
            hub=sim.notification_hub,
            settings=sim.eventsource,
            token=request_token(request) or "",
        )


def create_app(sim: PlexSimulator) -> web.Application:
    """Build the aiohttp application serving ``sim``.

    Args:
        sim: The simulator whose state the routes serve.

    Returns:
        The application.
    """
    routes = _Routes(sim)
    app = web.Application(middlewares=[routes.middleware])
    app.router.add_get(IDENTITY_PATH, routes.identity)
    app.router.add_get("/", routes.root)
    app.router.add_get("/activities", routes.activities)
    app.router.add_delete("/activities/{uuid}", routes.cancel_activity)
    app.router.add_get("/library/sections", routes.sections)
    app.router.add_get(WEBSOCKET_PATH, routes.notifications)
    app.router.add_get(EVENTSOURCE_PATH, routes.eventsource)
    sim.library_ops.add_routes(app.router)
    sim.butler.add_routes(app.router)
    return app
