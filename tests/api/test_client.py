"""The REST client against the simulator over real loopback sockets."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from custom_components.plex_activities.api import (
    PlexAuthenticationError,
    PlexClient,
    PlexConnectionError,
    PlexError,
    PlexEventSourceRefusedError,
    PlexInvalidResponseError,
    PlexNotCancellableError,
    PlexNotFoundError,
    PlexRedirectError,
    PlexTimeoutError,
    PlexWebsocketRefusedError,
    ServerInfo,
)
from plex_simulator import PathFault, PlexSimulator
from tests.const import CLIENT_IDENTIFIER, FRIENDLY_NAME, MACHINE_IDENTIFIER, TOKEN
from tests.tls import self_signed_server_context

from .test_plextv import plextv_client

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable
    from pathlib import Path

    import aiohttp

    from .conftest import MakeClient

    type StartSimulator = Callable[..., Awaitable[PlexSimulator]]


async def test_identity_needs_no_token(
    make_client: MakeClient, simulator: PlexSimulator
) -> None:
    """`/identity` answers without a token, and none is sent for it."""
    client = make_client(token="wrong")
    identity = await client.identity()
    assert identity == ServerInfo(
        machine_identifier=MACHINE_IDENTIFIER,
        friendly_name="Plex Media Server",
        version=identity.version,
        platform="",
        platform_version="",
    )
    assert identity.version
    assert "X-Plex-Token" not in simulator.requests[-1].headers


async def test_server_info(client: PlexClient) -> None:
    """`/` gives the device details."""
    info = await client.server_info()
    assert info == ServerInfo(
        machine_identifier=MACHINE_IDENTIFIER,
        friendly_name=FRIENDLY_NAME,
        version=info.version,
        platform="Linux",
        platform_version=info.platform_version,
    )


async def test_activities_and_libraries(
    client: PlexClient, simulator: PlexSimulator
) -> None:
    """Activities and library sections come back typed."""
    assert await client.activities() == []
    uuid = simulator.start_activity(
        title="Scanning Movies",
        subtitle="Alien",
        progress=-1,
        cancellable=True,
        context={"librarySectionID": "1"},
    )
    [activity] = await client.activities()
    assert activity.uuid == uuid
    assert activity.type == "library.update.section"
    assert activity.progress is None
    assert activity.cancellable is True
    assert activity.user_id == 1
    assert activity.library_section_id == "1"
    sections = {section.key: section for section in await client.library_sections()}
    movies = sections["1"]
    assert (movies.title, movies.type, movies.locations) == (
        "Movies",
        "movie",
        ("/data/Movies",),
    )
    assert movies.refreshing is True
    assert sections["2"].refreshing is False
    assert movies.scanned_at is not None


async def test_cancel(client: PlexClient, simulator: PlexSimulator) -> None:
    """DELETE ends a cancellable activity; 400 and 404 map to their errors."""
    cancellable = simulator.start_activity(cancellable=True)
    fixed = simulator.start_activity(cancellable=False)
    await client.cancel_activity(cancellable)
    assert cancellable not in simulator.activities
    with pytest.raises(PlexNotCancellableError):
        await client.cancel_activity(fixed)
    with pytest.raises(PlexNotFoundError):
        await client.cancel_activity(cancellable)
    assert simulator.requests[-1].method == "DELETE"


async def _call(client: PlexClient, call: str) -> None:
    """Make one of the client's calls; `notifications` opens the websocket."""
    if call != "notifications":
        await getattr(client, call)()
        return
    async with client.connect_notifications():
        pass


@pytest.mark.parametrize("status", [401, 403, 498])
@pytest.mark.parametrize(
    "call", ["server_info", "activities", "library_sections", "notifications"]
)
async def test_wrong_token(
    make_client: MakeClient, simulator: PlexSimulator, call: str, status: int
) -> None:
    """A rejected, revoked or expired token is an authentication error.

    401 is what Plex answers today; 403 (as on REST) and 498 (plex.tv's status for an
    expired token) count the same, on every request and on the websocket handshake.
    The error never names the token.
    """
    simulator.auth_failure_status = status
    client = make_client(token="not-the-token")
    with pytest.raises(PlexAuthenticationError) as err:
        await _call(client, call)
    assert f"HTTP {status}" in str(err.value)
    assert "not-the-token" not in str(err.value)
    assert "not-the-token" not in repr(err.value)


async def test_server_errors(client: PlexClient, simulator: PlexSimulator) -> None:
    """5xx is "unavailable"; HTML or broken JSON with 200 is an invalid response."""
    simulator.rest_failure_status = 503
    with pytest.raises(PlexConnectionError, match="HTTP 503"):
        await client.activities()
    simulator.rest_failure_status = 200
    simulator.rest_failure_body = "<html>proxy login</html>"
    with pytest.raises(PlexInvalidResponseError):
        await client.activities()
    simulator.rest_failure_body = '{"MediaContainer": '
    simulator.rest_failure_content_type = "application/json"
    with pytest.raises(PlexInvalidResponseError):
        await client.activities()
    simulator.rest_failure_body = '{"MediaContainer": []}'
    with pytest.raises(PlexInvalidResponseError):
        await client.activities()
    simulator.rest_failure_status = 302
    with pytest.raises(PlexInvalidResponseError, match="HTTP 302"):
        await client.server_info()
    simulator.rest_failure_status = None
    assert await client.activities() == []


async def test_not_found_route(client: PlexClient) -> None:
    """A 404 on a GET is a not-found error too."""
    with pytest.raises(PlexNotFoundError):
        await client._request("GET", "/no/such/route")


async def test_timeout(make_client: MakeClient, simulator: PlexSimulator) -> None:
    """A slow server is bounded by the request timeout."""
    client = make_client(request_timeout=0.2)
    simulator.latency = 1.0
    with pytest.raises(PlexTimeoutError, match=r"0\.2 s"):
        await client.activities()


async def test_connection_refused(
    socket_enabled: None, make_client: MakeClient, unused_tcp_port: int
) -> None:
    """Nothing listening is a connection error."""
    client = make_client(url=f"http://127.0.0.1:{unused_tcp_port}")
    with pytest.raises(PlexConnectionError) as err:
        await client.activities()
    assert not isinstance(err.value, PlexTimeoutError)
    assert TOKEN not in str(err.value)


async def test_headers_and_token_placement(
    client: PlexClient, simulator: PlexSimulator
) -> None:
    """The token goes only in the header; the client identifies itself."""
    await client.server_info()
    await client.activities()
    async with client.connect_notifications():
        pass
    assert len(simulator.requests) == 3
    for request in simulator.requests:
        assert request.headers["X-Plex-Token"] == TOKEN
        assert request.headers["Accept"] == "application/json"
        assert request.headers["X-Plex-Client-Identifier"] == CLIENT_IDENTIFIER
        assert request.headers["X-Plex-Product"]
        assert request.headers["X-Plex-Version"]
        assert request.headers["X-Plex-Device-Name"]
        assert TOKEN not in str(request.query)
        assert TOKEN not in request.path
    assert simulator.requests[-1].websocket
    assert simulator.requests[-1].query == {"filters": "activity"}


def test_repr_hides_token(client: PlexClient) -> None:
    """Neither repr nor str of the client shows the token."""
    assert TOKEN not in repr(client)
    assert TOKEN not in str(client)
    assert client.url in repr(client)


def test_error_hierarchy() -> None:
    """Every error shares one base, so callers can catch them all."""
    for error in (
        PlexConnectionError,
        PlexTimeoutError,
        PlexAuthenticationError,
        PlexNotFoundError,
        PlexNotCancellableError,
        PlexInvalidResponseError,
    ):
        assert issubclass(error, PlexError)
    assert issubclass(PlexTimeoutError, PlexConnectionError)


@pytest.fixture
async def elsewhere() -> AsyncIterator[PlexSimulator]:
    """Return a second server, another origin a redirect could lead to."""
    other = PlexSimulator(token=TOKEN, machine_identifier="elsewhere")
    await other.start()
    yield other
    await other.stop()


async def test_redirects_elsewhere_are_not_followed(
    client: PlexClient,
    simulator: PlexSimulator,
    elsewhere: PlexSimulator,
    session: aiohttp.ClientSession,
) -> None:
    """A redirect to another address (a proxy's sign-in page) is a clear error.

    REST, the EventSource and plex.tv alike: the other address, the same host at
    another port here, gets no request at all, so never the token.
    """
    paths = (
        "/activities",
        "/:/websockets/notifications",
        "/:/eventsource/notifications",
        "/api/v2/resources",
    )
    for path in paths:
        simulator.route_faults.set(path, PathFault(redirect_to=elsewhere.url + path))
    with pytest.raises(PlexRedirectError, match="redirects elsewhere"):
        await client.activities()
    # A channel sent elsewhere is a refused one: the listener falls back.
    with pytest.raises(PlexWebsocketRefusedError, match="redirects the notification"):
        async with client.connect_notifications():
            pass
    with pytest.raises(PlexEventSourceRefusedError, match="redirects the notif"):
        async with client.connect_eventsource():
            pass
    plextv = plextv_client(session, simulator)
    with pytest.raises(PlexInvalidResponseError, match=r"unexpected HTTP 302"):
        await plextv.servers(TOKEN)
    assert [r.path for r in simulator.requests][-4:] == list(paths)
    assert elsewhere.requests == []


async def test_redirect_to_https_on_the_same_host(
    simulator: PlexSimulator,
    start_simulator: StartSimulator,
    session: aiohttp.ClientSession,
    tmp_path: Path,
) -> None:
    """A proxy upgrading http to https on the same host is followed, as before."""
    secure = await start_simulator(ssl_context=self_signed_server_context(tmp_path))
    running = secure.start_activity(title="Scanning Movies")
    simulator.route_faults.set(
        "/activities", PathFault(redirect_to=f"{secure.url}/activities")
    )
    client = PlexClient(
        session,
        simulator.url,
        TOKEN,
        client_identifier=CLIENT_IDENTIFIER,
        verify_ssl=False,
    )
    assert [activity.uuid for activity in await client.activities()] == [running]
    (request,) = [r for r in secure.requests if r.path == "/activities"]
    assert request.headers["X-Plex-Token"] == TOKEN
    # The websocket's handshake too (ws to wss).
    path = "/:/websockets/notifications"
    simulator.route_faults.set(path, PathFault(redirect_to=f"{secure.url}{path}"))
    async with client.connect_notifications():
        await secure.wait_for_websocket_count(1)


async def test_json_nested_beyond_reason(
    client: PlexClient, simulator: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """JSON nested deeper than Python recurses is an invalid answer, not a crash."""
    simulator.rest_failure_status = 200
    simulator.rest_failure_body = "[" * 200_000
    simulator.rest_failure_content_type = "application/json"
    with pytest.raises(PlexInvalidResponseError, match="not JSON"):
        await client.activities()
    with pytest.raises(PlexInvalidResponseError, match="not JSON"):
        await plextv_client(session, simulator).servers(TOKEN)
