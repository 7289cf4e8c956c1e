"""The plex.tv client, GDM scan and connection probe, over loopback stand-ins."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
import time
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import pytest
from yarl import URL

from custom_components.plex_activities.api import (
    PlexAuthenticationError,
    PlexConnectionError,
    PlexInvalidResponseError,
    PlexNotFoundError,
    PlexTimeoutError,
)
from custom_components.plex_activities.api.account import (
    ConnectionKind,
    PlexConnection,
    PlexPin,
    parse_resources,
)
from custom_components.plex_activities.api.exceptions import PlexRateLimitedError
from custom_components.plex_activities.api.gdm import parse_reply, scan
from custom_components.plex_activities.api.plextv import (
    PlexTvClient,
    parse_retry_after,
)
from custom_components.plex_activities.api.probe import Candidate, candidates, probe
from plex_simulator import PlexSimulator
from plex_simulator.faults import PathFault
from plex_simulator.gdm import GdmEntry
from plex_simulator.plextv import StandInServer, connection
from tests.const import ACCOUNT_TOKEN, MACHINE_IDENTIFIER, SHARED_TOKEN, TOKEN

if TYPE_CHECKING:
    import aiohttp

    from plex_simulator.gdm import GdmResponder
    from plex_simulator.plextv import PlexTvStandIn


def plextv_client(
    session: aiohttp.ClientSession,
    plextv: PlexTvStandIn | PlexSimulator,
    **kwargs: float,
) -> PlexTvClient:
    """Return a plex.tv client pointed at the stand-in.

    Or at a simulator, for answers any server can give (a redirect, broken JSON).
    """
    return PlexTvClient(
        session,
        client_identifier="client-id-1",
        product="Plex Activities",
        version="1.0",
        base_url=plextv.url,
        auth_app_url=f"{plextv.url}/auth",
        **kwargs,
    )


async def test_pin_sign_in(
    session: aiohttp.ClientSession, plextv: PlexTvStandIn
) -> None:
    """A strong PIN is created, unclaimed until the user signs in, then has the token."""
    client = plextv_client(session, plextv)
    pin = await client.create_pin()
    assert len(pin.code) == 25
    assert pin.auth_token is None
    assert 0 < pin.expires_in <= 900
    assert (await client.check_pin(pin)).auth_token is None
    assert plextv.claim(pin.code)
    claimed = await client.check_pin(pin)
    assert claimed.auth_token == ACCOUNT_TOKEN
    assert ACCOUNT_TOKEN not in repr(claimed)
    assert pin.code not in repr(claimed)
    method, path, headers = plextv.requests[0]
    assert (method, path) == ("POST", "/api/v2/pins")
    assert headers["X-Plex-Client-Identifier"] == "client-id-1"
    assert headers["X-Plex-Product"] == "Plex Activities"


async def test_pin_expired(
    session: aiohttp.ClientSession, plextv: PlexTvStandIn
) -> None:
    """An expired PIN is a 404 (error 1020), which the client reports as not found."""
    client = plextv_client(session, plextv)
    pin = await client.create_pin()
    plextv.expire_pins()
    assert not plextv.claim(pin.code)
    with pytest.raises(PlexNotFoundError) as err:
        await client.check_pin(pin)
    assert pin.id not in str(err.value)


async def test_rate_limited(
    session: aiohttp.ClientSession, plextv: PlexTvStandIn
) -> None:
    """A 429 is "slow down", with the seconds its Retry-After asks for, if any."""
    client = plextv_client(session, plextv)
    pin = await client.create_pin()
    plextv.rate_limited, plextv.retry_after = 1, "7"
    with pytest.raises(PlexRateLimitedError, match="429") as err:
        await client.check_pin(pin)
    assert err.value.retry_after == 7.0
    plextv.rate_limited, plextv.retry_after = 1, None
    with pytest.raises(PlexConnectionError) as err:
        await client.create_pin()
    assert isinstance(err.value, PlexRateLimitedError)
    assert err.value.retry_after is None
    assert (await client.check_pin(pin)).auth_token is None


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("Thu, 03 Dec 2026 12:00:30 GMT", 30.0),
        ("Thu, 03 Dec 2026 11:00:00 GMT", 0.0),
        ("Thu, 03 Dec 2026 12:00:30 -0000", None),
        ("soon", None),
        ("-5", None),
        ("\u00b2", None),  # a superscript two: a digit to str.isdigit, no number
        ("\u0661\u0662", None),  # Arabic-Indic digits: HTTP's are ASCII
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(value: str | None, seconds: float | None) -> None:
    """Seconds or an HTTP date (a past one means now); anything else is unknown."""
    now = datetime(2026, 12, 3, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after(value, now) == seconds


def test_auth_url(session: aiohttp.ClientSession, plextv: PlexTvStandIn) -> None:
    """The sign-in page gets the client id, code and product in its fragment."""
    client = plextv_client(session, plextv)
    pin = PlexPin(id="7", code="abc", expires_in=900, auth_token=None)
    url = urlsplit(client.auth_url(pin))
    assert f"{url.scheme}://{url.netloc}{url.path}" == plextv.auth_url
    assert not url.query
    fragment = parse_qs(url.fragment.removeprefix("?"))
    assert fragment == {
        "clientID": ["client-id-1"],
        "code": ["abc"],
        "context[device][product]": ["Plex Activities"],
    }


async def test_servers(session: aiohttp.ClientSession, plextv: PlexTvStandIn) -> None:
    """Only servers are listed, owned and shared, with https and relay connections."""
    plextv.servers = [
        StandInServer(
            name="Home",
            machine_identifier="m1",
            access_token=TOKEN,
            connections=[
                connection("https://127-0-0-1.m1.plex.direct:32400", local=True),
                connection("https://relay.example:8443", local=False, relay=True),
            ],
        ),
        StandInServer(
            name="Friend",
            machine_identifier="m2",
            access_token=SHARED_TOKEN,
            owned=False,
            owner="alice",
            connections=[],
        ),
    ]
    servers = await plextv_client(session, plextv).servers(ACCOUNT_TOKEN)
    assert [(s.name, s.owned, s.owner) for s in servers] == [
        ("Home", True, ""),
        ("Friend", False, "alice"),
    ]
    assert [c.kind for c in servers[0].connections] == [
        ConnectionKind.LOCAL_HTTPS,
        ConnectionKind.RELAY,
    ]
    assert servers[1].access_token == SHARED_TOKEN
    assert SHARED_TOKEN not in repr(servers[1])
    _, path, headers = plextv.requests[-1]
    assert path == "/api/v2/resources"
    assert headers["X-Plex-Token"] == ACCOUNT_TOKEN


async def test_plextv_errors(
    session: aiohttp.ClientSession, plextv: PlexTvStandIn, unused_tcp_port: int
) -> None:
    """Bad token, plex.tv down, unreachable, slow: our errors, free of secrets."""
    client = plextv_client(session, plextv)
    with pytest.raises(PlexAuthenticationError) as auth:
        await client.servers("wrong-token")
    plextv.failure_status = 503
    with pytest.raises(PlexConnectionError) as down:
        await client.servers(ACCOUNT_TOKEN)
    plextv.failure_status = 302
    with pytest.raises(PlexInvalidResponseError):
        await client.create_pin()
    plextv.failure_status = 200
    with pytest.raises(PlexInvalidResponseError, match="not JSON"):
        await client.create_pin()
    for error in (auth.value, down.value):
        assert ACCOUNT_TOKEN not in str(error)
    closed = PlexTvClient(
        session,
        client_identifier="x",
        product="p",
        version="1",
        base_url=f"http://127.0.0.1:{unused_tcp_port}",
    )
    with pytest.raises(PlexConnectionError, match="cannot connect"):
        await closed.servers(ACCOUNT_TOKEN)


async def test_plextv_timeout(
    session: aiohttp.ClientSession, plextv: PlexTvStandIn
) -> None:
    """Every plex.tv request is bounded by the timeout."""
    client = plextv_client(session, plextv, request_timeout=0.1)
    plextv.latency = 1.0
    with pytest.raises(PlexTimeoutError, match=r"0\.1 s"):
        await client.create_pin()


async def test_standin_protocol(
    session: aiohttp.ClientSession, plextv: PlexTvStandIn
) -> None:
    """The stand-in answers XML by default and 400 without a client identifier."""
    async with session.post(f"{plextv.url}/api/v2/pins") as response:
        assert response.status == 400
        assert "X-Plex-Client-Identifier is missing" in await response.text()
    headers = {"X-Plex-Client-Identifier": "x"}
    async with session.post(f"{plextv.url}/api/v2/pins", headers=headers) as response:
        assert response.status == 201
        text = await response.text()
    assert text.startswith("<pin ")
    assert "authToken" not in text
    async with session.get(
        f"{plextv.url}/api/v2/user",
        headers={
            **headers,
            "X-Plex-Token": ACCOUNT_TOKEN,
            "Accept": "application/json",
        },
    ) as response:
        assert (await response.json())["username"] == "demo"
    async with session.get(
        f"{plextv.url}/api/v2/pins/nope", headers=headers
    ) as response:
        assert response.status == 404
        assert "Code not found or expired" in await response.text()
    async with session.get(f"{plextv.url}/auth") as response:
        assert "Sign in" in await response.text()
    async with session.post(f"{plextv.url}/auth/claim", data={"code": "x"}) as response:
        assert response.status == 404


def test_parsers_tolerate_junk() -> None:
    """Entries that are not usable servers or connections are left out."""
    with pytest.raises(PlexInvalidResponseError):
        parse_resources({"not": "a list"})
    with pytest.raises(PlexInvalidResponseError):
        PlexPin.from_json({"id": 1})
    with pytest.raises(PlexInvalidResponseError):
        PlexPin.from_json([])
    assert PlexPin.from_json({"id": 1, "code": "c"}).expires_in == 900
    assert (
        parse_resources(["junk", {"provides": "server"}, {"provides": "player"}]) == []
    )
    assert PlexConnection.from_json("junk") is None
    assert PlexConnection.from_json({"protocol": "ftp", "uri": "ftp://x"}) is None
    remote = PlexConnection.from_json(
        {"protocol": "http", "uri": "http://1.2.3.4:5/", "local": 0}
    )
    assert remote is not None
    assert remote.uri == "http://1.2.3.4:5"
    assert remote.kind is ConnectionKind.REMOTE_HTTP


# ---------------------------------------------------------------------- GDM


async def test_gdm_scan(gdm_responder: GdmResponder) -> None:
    """A search to the responder finds each server once, at the replying address."""
    gdm_responder.servers = [
        GdmEntry(machine_identifier="m1", name="Home", port=32400),
        GdmEntry(machine_identifier="m2", name="Den", port=32401),
        GdmEntry(machine_identifier="m1", name="Home again", port=32400),
    ]
    servers = await scan(gdm_responder.address, duration=0.3)
    assert sorted((s.machine_identifier, s.name, s.url) for s in servers) == [
        ("m1", "Home", "http://127.0.0.1:32400"),
        ("m2", "Den", "http://127.0.0.1:32401"),
    ]
    assert gdm_responder.searches == 1


@pytest.mark.parametrize(
    "reply",
    [
        b"",
        b"HTTP/1.0 404 Not Found\r\nResource-Identifier: m\r\n",
        b"HTTP/1.0 200 OK\r\nContent-Type: plex/media-player\r\nResource-Identifier: m\r\n",
        b"HTTP/1.0 200 OK\r\nName: no id\r\n",
        b"HTTP/1.0 200 OK\r\nResource-Identifier: m\r\nPort: x\r\n",
        b"HTTP/1.0 200 OK\r\nResource-Identifier: m\r\nPort: 70000\r\n",
    ],
)
def test_gdm_bad_replies(reply: bytes) -> None:
    """Replies that are not a media server's usable answer are ignored."""
    assert parse_reply(reply, "127.0.0.1") is None


def test_gdm_reply_with_colons() -> None:
    """A value containing colons is kept whole; IPv6 hosts are bracketed."""
    server = parse_reply(
        b"HTTP/1.0 200 OK\r\nResource-Identifier: m\r\nName: a:b\r\n", "::1"
    )
    assert server is not None
    assert server.name == "a:b"
    assert server.url == "http://[::1]:32400"


# -------------------------------------------------------------------- probe


def parsed_connection(
    uri: str, address: str, *, local: bool = False, relay: bool = False
) -> PlexConnection:
    """Return a parsed connection: protocol and port from its URI."""
    url = URL(uri)
    assert url.port is not None
    return PlexConnection(
        uri=uri,
        protocol=url.scheme,
        address=address,
        port=url.port,
        local=local,
        relay=relay,
    )


def test_candidates_order() -> None:
    """Local https > local http > remote https > remote http > relay, no duplicates."""
    connections = [
        parsed_connection("https://relay.plex.direct:8443", "1.1.1.1", relay=True),
        parsed_connection("http://5.6.7.8:32400", "5.6.7.8"),
        parsed_connection("https://5-6-7-8.m.plex.direct:32400", "5.6.7.8"),
        parsed_connection("https://fd00--1.m.plex.direct:32400", "fd00::1", local=True),
        parsed_connection("http://[fd00::1]:32400", "fd00::1", local=True),
    ]
    assert [(c.url, c.kind) for c in candidates(connections)] == [
        ("https://fd00--1.m.plex.direct:32400", ConnectionKind.LOCAL_HTTPS),
        ("http://[fd00::1]:32400", ConnectionKind.LOCAL_HTTP),
        ("https://5-6-7-8.m.plex.direct:32400", ConnectionKind.REMOTE_HTTPS),
        ("http://5.6.7.8:32400", ConnectionKind.REMOTE_HTTP),
        ("https://relay.plex.direct:8443", ConnectionKind.RELAY),
    ]


async def test_probe_prefers_the_best_that_answers(
    session: aiohttp.ClientSession,
    simulator: PlexSimulator,
    unused_tcp_port_factory: object,
) -> None:
    """A better candidate that does not answer is passed over; the order decides."""
    closed = [f"http://127.0.0.1:{unused_tcp_port_factory()}" for _ in range(2)]  # type: ignore[operator]
    found = [
        Candidate(url=closed[0], kind=ConnectionKind.LOCAL_HTTPS),
        # What plex.tv may list that is no URL at all is passed over too.
        Candidate(url="https://[fd00::1", kind=ConnectionKind.LOCAL_HTTPS),
        Candidate(url="http://10.0.0.5:70000", kind=ConnectionKind.LOCAL_HTTP),
        Candidate(url=simulator.url, kind=ConnectionKind.REMOTE_HTTP),
        Candidate(url=closed[1], kind=ConnectionKind.RELAY),
    ]
    result = await probe(
        session, MACHINE_IDENTIFIER, TOKEN, found, client_identifier="x", timeout=2
    )
    assert (result.url, result.kind) == (simulator.url, ConnectionKind.REMOTE_HTTP)
    assert result.info.machine_identifier == MACHINE_IDENTIFIER


async def test_probe_sends_the_token_only_to_the_server(
    session: aiohttp.ClientSession, simulator: PlexSimulator
) -> None:
    """A listed address where another device answers never sees the token.

    Every candidate is asked who it is without the token; only the one that answers
    as the server gets it, even when the other one ranks higher.
    """
    other = PlexSimulator(token=TOKEN, machine_identifier="another-device")
    await other.start()
    try:
        found = [
            Candidate(url=other.url, kind=ConnectionKind.LOCAL_HTTPS),
            Candidate(url=simulator.url, kind=ConnectionKind.REMOTE_HTTP),
        ]
        result = await probe(
            session, MACHINE_IDENTIFIER, TOKEN, found, client_identifier="x"
        )
    finally:
        await other.stop()
    assert result.url == simulator.url
    assert [record.path for record in other.requests] == ["/identity"]
    assert [
        (record.path, "X-Plex-Token" in record.headers) for record in simulator.requests
    ] == [("/identity", False), ("/", True)]


async def test_probe_timeout_covers_both_steps(
    session: aiohttp.ClientSession, simulator: PlexSimulator
) -> None:
    """A server that says who it is but then hangs: the probe still ends in time."""
    simulator.route_faults.set("/", PathFault(delay=1.0))
    found = [Candidate(url=simulator.url, kind=ConnectionKind.LOCAL_HTTP)]
    started = time.monotonic()
    with pytest.raises(PlexNotFoundError):
        await probe(
            session,
            MACHINE_IDENTIFIER,
            TOKEN,
            found,
            client_identifier="x",
            timeout=0.3,
        )
    assert time.monotonic() - started < 0.9
    assert [record.path for record in simulator.requests] == ["/identity", "/"]
    await asyncio.sleep(1.0)  # the slow answer ends: no server task outlives the test


async def test_probe_wrong_server_token_or_nothing(
    session: aiohttp.ClientSession, simulator: PlexSimulator, unused_tcp_port: int
) -> None:
    """Another server's answer does not count; a refused token is said as such."""
    found = [Candidate(url=simulator.url, kind=ConnectionKind.LOCAL_HTTP)]
    with pytest.raises(PlexNotFoundError):
        await probe(session, "other", TOKEN, found, client_identifier="x")
    with pytest.raises(PlexAuthenticationError):
        await probe(session, MACHINE_IDENTIFIER, "bad", found, client_identifier="x")
    closed = [
        Candidate(url=f"http://127.0.0.1:{unused_tcp_port}", kind=ConnectionKind.RELAY)
    ]
    with pytest.raises(PlexNotFoundError):
        await probe(session, MACHINE_IDENTIFIER, TOKEN, closed, client_identifier="x")
