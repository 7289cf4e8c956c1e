"""Section refresh, analysis and the butler: Plex's semantics over real sockets."""

from __future__ import annotations

import asyncio
import contextlib
import random
from typing import TYPE_CHECKING

from plex_simulator import Library
from plex_simulator.scenario import run_demo

from .helpers import JSON_HEADERS, XML_HEADERS, connect, parse_xml, receive_json

if TYPE_CHECKING:
    import aiohttp

    from plex_simulator import PlexSimulator


async def activity_frame(
    websocket: aiohttp.ClientWebSocketResponse,
) -> dict[str, object]:
    """Return the next activity notification's entry."""
    frame = await receive_json(websocket)
    [entry] = frame["NotificationContainer"]["ActivityNotification"]
    return entry


async def test_scan_notifies_and_ends_with_response(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """A scan starts, moves and ends with a Response; scannedAt follows."""
    sim.work.duration = 0.1
    websocket = await connect(session, sim, filters="activity")
    async with session.get(
        f"{sim.url}/library/sections/1/refresh", headers=XML_HEADERS
    ) as response:
        assert response.status == 200
        assert response.content_type == "text/html"
        assert "X-Plex-Activity" not in response.headers
    started = await activity_frame(websocket)
    assert started["event"] == "started"
    assert started["Activity"]["Context"] == {"librarySectionID": "1"}
    events = [started]
    while events[-1]["event"] != "ended":
        events.append(await activity_frame(websocket))
    ended = events[-1]["Activity"]
    assert ended["progress"] == 100
    assert ended["Response"]["librarySectionID"] == "1"
    assert [e["event"] for e in events[1:-1]] == ["updated"] * (len(events) - 2)
    assert sim.library_ops.scanned_at["1"] > 1_730_000_000
    async with session.get(
        f"{sim.url}/library/sections", headers=JSON_HEADERS
    ) as response:
        directories = (await response.json())["MediaContainer"]["Directory"]
    assert directories[0]["scannedAt"] == sim.library_ops.scanned_at["1"]
    assert directories[1]["scannedAt"] == 1_730_000_000


async def test_refresh_post_is_not_found(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """POST, the specification's method, answers 404 as on PMS 1.32; nothing starts."""
    async with session.post(
        f"{sim.url}/library/sections/1/refresh", headers=XML_HEADERS
    ) as response:
        assert response.status == 404
    assert sim.activities == {}


async def test_late_context_and_merge(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """A scan may name its section late; a second scan joins it even before that."""
    sim.work.duration = None
    sim.work.context_delay = 0.05
    sim.work.activity_header = True
    websocket = await connect(session, sim, filters="activity")
    uuids = []
    for _ in range(2):
        async with session.get(
            f"{sim.url}/library/sections/2/refresh", headers=XML_HEADERS
        ) as response:
            uuids.append(response.headers["X-Plex-Activity"])
    assert uuids[0] == uuids[1]
    started = await activity_frame(websocket)
    assert "Context" not in started["Activity"]
    updated = await activity_frame(websocket)
    assert updated["Activity"]["Context"] == {"librarySectionID": "2"}
    async with session.get(
        f"{sim.url}/library/sections", headers=XML_HEADERS
    ) as response:
        root = parse_xml(await response.text())
    assert [d.attrib["refreshing"] for d in root] == ["0", "1", "0", "0"]
    async with session.delete(
        f"{sim.url}/library/sections/2/refresh", headers=XML_HEADERS
    ) as response:
        assert response.status == 200
    ended = await activity_frame(websocket)
    assert ended["event"] == "ended"
    assert "Response" not in ended["Activity"]  # cancelled: no result


async def test_cancel_by_activity_before_context(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """A scan cancelled through /activities before it names its section stays ended."""
    sim.work.context_delay = 0.05
    async with session.get(
        f"{sim.url}/library/sections/3/refresh", headers=XML_HEADERS
    ) as response:
        assert response.status == 200
    [scan] = sim.activities
    async with session.delete(
        f"{sim.url}/activities/{scan}", headers=XML_HEADERS
    ) as response:
        assert response.status == 200
    assert sim.library_ops.running_scan("3") is None
    assert sim.library_ops.scanning() == set()


async def test_butler_xml_and_statuses(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """`/butler` has no MediaContainer; run 200/202/404, stop 200/404."""
    sim.work.duration = None
    async with session.get(f"{sim.url}/butler", headers=XML_HEADERS) as response:
        root = parse_xml(await response.text())
    assert root.tag == "ButlerTasks"
    assert root[0].tag == "ButlerTask"
    assert root[0].attrib["name"] == "BackupDatabase"
    assert root[0].attrib["enabled"] == "1"
    statuses = []
    for method, name in [
        ("POST", "BackupDatabase"),
        ("POST", "BackupDatabase"),
        ("POST", "Nope"),
        ("DELETE", "BackupDatabase"),
        ("DELETE", "BackupDatabase"),
        ("DELETE", "Nope"),
    ]:
        async with session.request(
            method, f"{sim.url}/butler/{name}", headers=XML_HEADERS
        ) as response:
            statuses.append(response.status)
    assert statuses == [200, 202, 404, 200, 404, 404]
    assert sim.activities == {}


async def test_libraries_change(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """Libraries can be added and removed while the server runs."""
    sim.libraries = [*sim.libraries, Library(key="9", title="Concerts", type="movie")]
    async with session.get(
        f"{sim.url}/library/sections/9/refresh", headers=XML_HEADERS
    ) as response:
        assert response.status == 200
    sim.libraries = sim.libraries[:1]
    async with session.put(
        f"{sim.url}/library/sections/2/analyze", headers=XML_HEADERS
    ) as response:
        assert response.status == 404


async def test_demo_work_runs_long_enough_to_watch(sim: PlexSimulator) -> None:
    """In the demo, a scan started from Home Assistant lasts long enough to watch."""
    demo = asyncio.create_task(run_demo(sim, speed=4.0, rng=random.Random(3)))
    await asyncio.sleep(0.05)
    assert sim.work.duration == 10.0
    demo.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await demo
