"""Starting work over real loopback sockets: scans, analysis and butler tasks."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest

from custom_components.plex_activities.api import (
    ButlerTask,
    LibrarySection,
    PlexInvalidResponseError,
    PlexNotFoundError,
    StartedWork,
    parse_butler_tasks,
    parse_library_sections,
)

if TYPE_CHECKING:
    from custom_components.plex_activities.api import PlexClient
    from plex_simulator import PlexSimulator


def running(simulator: PlexSimulator, activity_type: str) -> list[dict[str, Any]]:
    """Return the simulator's running activities of one type."""
    return [a for a in simulator.activities.values() if a["type"] == activity_type]


async def test_scan_section_without_header(
    client: PlexClient, simulator: PlexSimulator
) -> None:
    """A scan is a GET; Plex declares no activity header for it, so none comes back."""
    simulator.work.duration = None
    assert await client.scan_section("2") == StartedWork(activity_id=None)
    request = simulator.requests[-1]
    assert (request.method, request.path, request.query) == (
        "GET",
        "/library/sections/2/refresh",
        {},
    )
    [scan] = running(simulator, "library.update.section")
    assert scan["Context"] == {"librarySectionID": "2"}
    assert scan["title"] == "Scanning TV Shows"
    sections = {s.key: s for s in await client.library_sections()}
    assert sections["2"].refreshing is True


async def test_scan_section_with_header_path_and_force(
    client: PlexClient, simulator: PlexSimulator
) -> None:
    """With the header, the activity's uuid comes back; path and force are sent."""
    simulator.work.duration = None
    simulator.work.activity_header = True
    started = await client.scan_section("1", path="/data/Movies/New & Old", force=True)
    [scan] = running(simulator, "library.update.section")
    assert started == StartedWork(activity_id=scan["uuid"])
    assert simulator.requests[-1].query == {
        "force": "1",
        "path": "/data/Movies/New & Old",
    }
    # A second scan joins the running one (Plex merges them).
    assert await client.scan_section("1") == started
    assert len(running(simulator, "library.update.section")) == 1


async def test_scan_finishes_with_response_and_scanned_at(
    client: PlexClient, simulator: PlexSimulator
) -> None:
    """A finished scan updates `scannedAt`; a cancelled one stops at once."""
    simulator.work.duration = None
    before = {s.key: s for s in await client.library_sections()}["3"].scanned_at
    await client.scan_section("3")
    [scan] = running(simulator, "library.update.section")
    simulator.work.finish(scan["uuid"])
    music = {s.key: s for s in await client.library_sections()}["3"]
    assert music.refreshing is False
    assert music.scanned_at is not None
    assert before is not None
    assert music.scanned_at > before
    await client.scan_section("4")
    assert running(simulator, "library.update.section")
    await client.cancel_section_scan("4")
    assert running(simulator, "library.update.section") == []
    await client.cancel_section_scan("4")  # nothing runs: still fine


async def test_unknown_section(client: PlexClient) -> None:
    """An unknown section is a 404 for every operation."""
    with pytest.raises(PlexNotFoundError):
        await client.scan_section("99")
    with pytest.raises(PlexNotFoundError):
        await client.cancel_section_scan("99")
    with pytest.raises(PlexNotFoundError):
        await client.analyze_section("99")


async def test_analyze_section(client: PlexClient, simulator: PlexSimulator) -> None:
    """Analyzing is a PUT that starts an analysis of the section."""
    simulator.work.duration = None
    assert await client.analyze_section("1") == StartedWork(activity_id=None)
    assert simulator.requests[-1].method == "PUT"
    [analysis] = running(simulator, "media.generate.bif")
    assert analysis["Context"] == {"librarySectionID": "1"}


async def test_butler(client: PlexClient, simulator: PlexSimulator) -> None:
    """Tasks are listed; running one answers 200, again 202, an unknown one 404."""
    simulator.work.duration = None
    tasks = await client.butler_tasks()
    assert (
        ButlerTask(
            name="BackupDatabase",
            title="Backup Database",
            description="Back up the database",
            enabled=True,
            interval=3,
        )
        in tasks
    )
    assert await client.run_butler_task("BackupDatabase") == StartedWork(
        activity_id=None
    )
    [task] = running(simulator, "butler")
    simulator.work.activity_header = True
    assert await client.run_butler_task("BackupDatabase") == StartedWork(
        activity_id=task["uuid"], already_running=True
    )
    with pytest.raises(PlexNotFoundError):
        await client.run_butler_task("NoSuchTask")


async def test_work_runs_to_completion(
    client: PlexClient, simulator: PlexSimulator
) -> None:
    """Left alone, started work advances and ends with a Response."""
    simulator.work.duration = 0.25
    simulator.work.activity_header = True
    started = await client.run_butler_task("OptimizeDatabase")
    assert started.activity_id in simulator.activities
    scan = await client.scan_section("1")
    progress: set[int] = set()
    async with asyncio.timeout(5):
        while scan.activity_id in simulator.activities:
            progress.add(simulator.activities[scan.activity_id]["progress"])
            await asyncio.sleep(0.005)
    assert progress - {0, 100}  # it moved in between
    # The butler task's progress stays indeterminate; it ended as well.
    assert simulator.activities == {}


def test_parse_butler_tasks_variants() -> None:
    """The list parses bare, wrapped in a MediaContainer, single; nonsense raises."""
    entry = {"name": "OptimizeDatabase", "title": "Optimize", "enabled": "1"}
    expected = [ButlerTask(name="OptimizeDatabase", title="Optimize", enabled=True)]
    assert parse_butler_tasks({"ButlerTasks": {"ButlerTask": [entry]}}) == expected
    assert parse_butler_tasks({"ButlerTasks": {"ButlerTask": entry}}) == expected
    assert parse_butler_tasks({"MediaContainer": {"ButlerTask": [entry]}}) == expected
    assert parse_butler_tasks({"ButlerTasks": {}}) == []
    assert parse_butler_tasks({"ButlerTasks": {"ButlerTask": [{"title": "x"}]}}) == []
    twice = [entry, {"name": "OptimizeDatabase", "title": "Again"}]
    assert parse_butler_tasks({"ButlerTasks": {"ButlerTask": twice}}) == expected
    for bad in ([], {"Other": 1}, {"ButlerTasks": {"ButlerTask": "x"}}):
        with pytest.raises(PlexInvalidResponseError):
            parse_butler_tasks(bad)


def test_library_section_scan_fields() -> None:
    """`refreshing`, `scannedAt` and `Location` parse tolerantly."""
    payload = {
        "MediaContainer": {
            "Directory": [
                {
                    "key": "1",
                    "title": "Movies",
                    "type": "movie",
                    "refreshing": "1",
                    "scannedAt": "1700000000",
                    "Location": {"id": 1, "path": "/media/movies"},
                },
                {
                    "key": 2,
                    "refreshing": False,
                    "scannedAt": 99999999999999999999,
                    "Location": [{"path": "/a"}, {"path": ""}, "x", {"path": 3}],
                },
                {"key": "3", "scannedAt": 0, "Location": "nonsense"},
            ]
        }
    }
    assert parse_library_sections(payload) == [
        LibrarySection(
            key="1",
            title="Movies",
            type="movie",
            refreshing=True,
            scanned_at=datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC),
            locations=("/media/movies",),
        ),
        LibrarySection(key="2", title="2", type="", locations=("/a",)),
        LibrarySection(key="3", title="3", type=""),
    ]
