"""The demo scenario and the command line."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
import random
import signal
import sys
from typing import TYPE_CHECKING, Any

import pytest

from plex_simulator.scenario import run_demo

from .helpers import JSON_HEADERS, connect, receive_json

if TYPE_CHECKING:
    import aiohttp

    from plex_simulator import PlexSimulator

REPO_ROOT = Path(__file__).resolve().parents[2]


async def test_demo_keeps_activities_running(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """The demo runs several kinds of activities and mixes in other notifications."""
    websocket = await connect(session, sim, filters="")
    demo = asyncio.create_task(run_demo(sim, speed=40.0, rng=random.Random(7)))
    frames: list[dict[str, Any]] = []
    counts: list[int] = []
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 1.5
        while loop.time() < deadline:
            frames.append(await receive_json(websocket))
            counts.append(len(sim.activities))
        # A client cancels a cancellable activity; the demo carries on.
        cancellable = [a for a in sim.activities.values() if a["cancellable"]]
        assert cancellable
        async with session.delete(
            f"{sim.url}/activities/{cancellable[0]['uuid']}", headers=JSON_HEADERS
        ) as response:
            assert response.status == 200
        await asyncio.sleep(0.3)
        assert not demo.done()
    finally:
        demo.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await demo
        await websocket.close()

    assert max(counts) <= 6
    assert max(counts) >= 3
    types = {frame["NotificationContainer"]["type"] for frame in frames}
    assert {"activity", "status", "playing", "timeline"} <= types
    activities = [
        entry
        for frame in frames
        if frame["NotificationContainer"]["type"] == "activity"
        for entry in frame["NotificationContainer"]["ActivityNotification"]
    ]
    events = {entry["event"] for entry in activities}
    assert events == {"started", "updated", "ended"}
    kinds = {entry["Activity"]["type"] for entry in activities}
    assert {
        "library.update.section",
        "library.refresh.items",
        "provider.epg.load",
        "butler",
    } <= kinds
    assert kinds & {"media.generate.chapter.thumbs", "media.generate.credits"}
    butler = [e["Activity"] for e in activities if e["Activity"]["type"] == "butler"]
    assert all(activity["progress"] == -1 for activity in butler)
    refresh = [
        e["Activity"]
        for e in activities
        if e["Activity"]["type"] == "library.refresh.items"
    ]
    assert all(not activity["cancellable"] for activity in refresh)
    assert all(activity["Context"]["key"] for activity in refresh)
    scans = [
        e["Activity"]
        for e in activities
        if e["Activity"]["type"] == "library.update.section" and e["event"] == "updated"
    ]
    assert all(activity["cancellable"] for activity in scans)
    assert len({activity["subtitle"] for activity in scans}) > 1


async def test_demo_rejects_bad_speed(sim: PlexSimulator) -> None:
    """A speed of zero or less is refused."""
    with pytest.raises(ValueError, match="speed"):
        await run_demo(sim, speed=0)


@pytest.mark.parametrize(
    ("scenario", "stop_signal"),
    [("idle", signal.SIGTERM), ("demo", signal.SIGINT)],
)
async def test_cli(
    session: aiohttp.ClientSession, scenario: str, stop_signal: signal.Signals
) -> None:
    """The command line prints the URL and token, serves, and stops on a signal."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "plex_simulator",
        "--port",
        "0",
        "--token",
        "cli-token",
        "--name",
        "CLI Server",
        "--scenario",
        scenario,
        cwd=REPO_ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        async with asyncio.timeout(10):
            url_line = (await process.stdout.readline()).decode()
            token_line = (await process.stdout.readline()).decode()
        assert url_line.startswith("Plex simulator: http://127.0.0.1:")
        assert token_line == "Token: cli-token\n"
        url = url_line.removeprefix("Plex simulator: ").strip()
        async with session.get(
            f"{url}/",
            headers={"X-Plex-Token": "cli-token", "Accept": "application/json"},
        ) as response:
            assert response.status == 200
            assert (await response.json())["MediaContainer"]["friendlyName"] == (
                "CLI Server"
            )
        process.send_signal(stop_signal)
        async with asyncio.timeout(10):
            _stdout, stderr = await process.communicate()
        assert process.returncode == 0, stderr.decode()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
