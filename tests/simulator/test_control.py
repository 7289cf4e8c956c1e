"""The control API: lifecycle, restart, faults and the request log."""

from __future__ import annotations

import asyncio
import json
import time

import aiohttp
import pytest

from plex_simulator import Library, PathFault, PlexSimulator

from .helpers import JSON_HEADERS, TOKEN, WS_PATH, XML_HEADERS, connect, receive_json


async def test_lifecycle() -> None:
    """Port 0 picks a free port; stop is idempotent; start twice is refused."""
    sim = PlexSimulator()
    assert sim.port == 0
    running = [sim.running]
    await sim.start()
    try:
        running.append(sim.running)
        assert sim.port > 0
        assert sim.url == f"http://127.0.0.1:{sim.port}"
        assert sim.token == "demo"
        with pytest.raises(RuntimeError):
            await sim.start()
    finally:
        await sim.stop()
    await sim.stop()
    running.append(sim.running)
    assert running == [False, True, False]


async def test_ipv6_url() -> None:
    """An IPv6 host is bracketed in the URL."""
    assert PlexSimulator(host="::1", port=32400).url == "http://[::1]:32400"


async def test_restart_same_port(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """A restart closes sockets, is unreachable for a while, and keeps the port."""
    port = sim.port
    websocket = await connect(session, sim)
    sim.start_activity()
    restart = asyncio.create_task(sim.restart(down_for=0.3))
    assert activity_entry_event(await receive_json(websocket)) == "started"
    closing = await websocket.receive(timeout=2.0)
    assert closing.type is aiohttp.WSMsgType.CLOSE
    await asyncio.sleep(0.1)
    assert not sim.running
    with pytest.raises(aiohttp.ClientConnectionError):
        async with session.get(f"{sim.url}/identity"):
            pass
    await restart
    assert sim.port == port
    assert sim.activities == {}
    async with session.get(f"{sim.url}/activities", headers=JSON_HEADERS) as response:
        assert response.status == 200
        assert await response.json() == {"MediaContainer": {"size": 0}}
    again = await connect(session, sim)
    await again.close()


async def test_restart_keeps_activities(sim: PlexSimulator) -> None:
    """``clear_activities=False`` keeps the state across the restart."""
    activity_uuid = sim.start_activity()
    await sim.restart(clear_activities=False)
    assert list(sim.activities) == [activity_uuid]


def activity_entry_event(frame: dict[str, object]) -> object:
    """Return the event of an activity frame."""
    container = frame["NotificationContainer"]
    assert isinstance(container, dict)
    return container["ActivityNotification"][0]["event"]


async def test_latency(sim: PlexSimulator, session: aiohttp.ClientSession) -> None:
    """Latency delays REST answers and the websocket handshake."""
    sim.latency = 0.2
    started = time.monotonic()
    async with session.get(f"{sim.url}/identity") as response:
        assert response.status == 200
    assert time.monotonic() - started >= 0.2
    started = time.monotonic()
    websocket = await session.ws_connect(
        sim.url + WS_PATH, params={"X-Plex-Token": TOKEN}
    )
    assert time.monotonic() - started >= 0.2
    await websocket.close()
    sim.latency = 0.0
    started = time.monotonic()
    async with session.get(f"{sim.url}/identity") as response:
        assert response.status == 200
    assert time.monotonic() - started < 0.2


@pytest.mark.parametrize("path", ["/", "/activities", "/library/sections"])
async def test_rest_failure_status(
    sim: PlexSimulator, session: aiohttp.ClientSession, path: str
) -> None:
    """A forced failure answers every REST route but ``/identity``."""
    sim.rest_failure_status = 503
    async with session.get(sim.url + path, headers=JSON_HEADERS) as response:
        assert response.status == 503
        assert response.content_type == "text/html"
        assert "503" in await response.text()
    async with session.get(f"{sim.url}/identity") as response:
        assert response.status == 200
    sim.rest_failure_status = None
    async with session.get(sim.url + path, headers=JSON_HEADERS) as response:
        assert response.status == 200


async def test_rest_failure_applies_to_delete(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """A forced failure also hits cancel requests, which then change nothing."""
    activity_uuid = sim.start_activity(cancellable=True)
    sim.rest_failure_status = 502
    async with session.delete(
        f"{sim.url}/activities/{activity_uuid}", headers=XML_HEADERS
    ) as response:
        assert response.status == 502
    assert activity_uuid in sim.activities


async def test_rest_failure_bad_json(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """A custom body and content type serve broken JSON with a 200."""
    sim.rest_failure_status = 200
    sim.rest_failure_body = "not json"
    sim.rest_failure_content_type = "application/json"
    async with session.get(f"{sim.url}/activities", headers=JSON_HEADERS) as response:
        assert response.status == 200
        assert response.content_type == "application/json"
        with pytest.raises(json.JSONDecodeError):
            await response.json()


async def test_rest_failure_spares_websocket(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """The websocket keeps working while REST routes fail."""
    sim.rest_failure_status = 503
    websocket = await connect(session, sim)
    sim.start_activity()
    assert activity_entry_event(await receive_json(websocket)) == "started"
    await websocket.close()


async def test_route_fault(sim: PlexSimulator, session: aiohttp.ClientSession) -> None:
    """One route fails (the library list of a busy server) while the others work."""
    sim.route_faults.fail("/library/sections", 500)
    async with session.get(
        f"{sim.url}/library/sections", headers=JSON_HEADERS
    ) as response:
        assert response.status == 500
        assert response.content_type == "text/html"
    async with session.get(f"{sim.url}/activities", headers=JSON_HEADERS) as response:
        assert response.status == 200
    sim.route_faults.fail("/", 503)
    sim.route_faults.heal("/library/sections")
    async with session.get(
        f"{sim.url}/library/sections", headers=JSON_HEADERS
    ) as response:
        assert response.status == 200
    async with session.get(f"{sim.url}/", headers=JSON_HEADERS) as response:
        assert response.status == 503
    sim.route_faults.heal()
    async with session.get(f"{sim.url}/", headers=JSON_HEADERS) as response:
        assert response.status == 200


async def test_request_log(sim: PlexSimulator, session: aiohttp.ClientSession) -> None:
    """Every request is logged with method, path, query and exact header names."""
    async with session.get(
        f"{sim.url}/activities",
        params={"X-Plex-Token": TOKEN, "extra": "1"},
        headers={
            "X-Plex-Client-Identifier": "client-1",
            "X-Plex-Product": "Plex Activities",
            "Accept": "application/json",
        },
    ) as response:
        assert response.status == 200
    async with session.delete(f"{sim.url}/activities/nope") as response:
        assert response.status == 401
    websocket = await connect(session, sim, token_in_query=False, filters="activity")
    await websocket.close()

    first, second, third = sim.requests
    assert (first.method, first.path) == ("GET", "/activities")
    assert first.query == {"X-Plex-Token": TOKEN, "extra": "1"}
    assert first.headers["X-Plex-Client-Identifier"] == "client-1"
    assert first.headers["X-Plex-Product"] == "Plex Activities"
    assert first.headers["Accept"] == "application/json"
    assert not first.websocket
    assert (second.method, second.path, second.query) == (
        "DELETE",
        "/activities/nope",
        {},
    )
    assert third.websocket
    assert third.path == WS_PATH
    assert third.query == {"filters": "activity"}
    assert third.headers["X-Plex-Token"] == TOKEN

    sim.clear_requests()
    assert sim.requests == []


async def test_flush_without_sockets(sim: PlexSimulator) -> None:
    """Flushing with no socket, or twice, returns at once."""
    sim.start_activity()
    await sim.flush()
    await sim.flush()


async def test_update_and_end_unknown(sim: PlexSimulator) -> None:
    """Changing an unknown activity raises KeyError; duplicates raise ValueError."""
    with pytest.raises(KeyError):
        sim.update_activity("missing", progress=1)
    with pytest.raises(KeyError):
        sim.end_activity("missing")
    sim.start_activity(uuid="same")
    with pytest.raises(ValueError, match="already running"):
        sim.start_activity(uuid="same")


async def test_update_context(sim: PlexSimulator) -> None:
    """A context replaces the old one; an empty one removes it."""
    activity_uuid = sim.start_activity()
    assert "Context" not in sim.activities[activity_uuid]
    sim.update_activity(activity_uuid, context={"librarySectionID": "1"})
    assert sim.activities[activity_uuid]["Context"] == {"librarySectionID": "1"}
    sim.update_activity(activity_uuid, title="Scanning Movies")
    assert sim.activities[activity_uuid]["Context"] == {"librarySectionID": "1"}
    sim.update_activity(activity_uuid, context={})
    assert "Context" not in sim.activities[activity_uuid]
    assert sim.activities[activity_uuid]["title"] == "Scanning Movies"


async def test_activities_is_a_copy(sim: PlexSimulator) -> None:
    """Changing the returned mapping does not change the server."""
    activity_uuid = sim.start_activity(context={"librarySectionID": "1"})
    snapshot = sim.activities[activity_uuid]
    snapshot["progress"] = 99
    snapshot["Context"]["librarySectionID"] = "9"
    assert sim.activities[activity_uuid]["progress"] == 0
    assert sim.activities[activity_uuid]["Context"] == {"librarySectionID": "1"}


async def test_path_faults_and_library_changes(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """One path fails or lags while the others answer; libraries change at run time."""
    sections = f"{sim.url}/library/sections"
    sim.route_faults.set("/library/sections", PathFault(status=403))
    async with session.get(sections, headers=JSON_HEADERS) as response:
        assert response.status == 403
        assert response.content_type == "text/html"
    async with session.get(f"{sim.url}/activities", headers=JSON_HEADERS) as response:
        assert response.status == 200
    async with session.get(sections) as response:  # no token: refused before the fault
        assert response.status == 401

    sim.route_faults.set("/library/sections", PathFault(delay=0.2))
    sim.libraries = [*sim.libraries, Library(key="9", title="Concerts", type="movie")]
    started = time.monotonic()
    async with session.get(sections, headers=JSON_HEADERS) as response:
        payload = await response.json()
    assert time.monotonic() - started >= 0.2
    titles = [entry["title"] for entry in payload["MediaContainer"]["Directory"]]
    assert titles[-1] == "Concerts"
    sim.route_faults.heal()
    async with session.get(f"{sim.url}/", headers=JSON_HEADERS) as response:
        assert response.status == 200
