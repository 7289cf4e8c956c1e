"""A demo scenario: a busy server with several activities at any time.

:func:`run_demo` keeps three to six activities running — library scans,
metadata refreshes, media analysis, an EPG load and an indeterminate butler
task — moves their progress along every second or two, ends them, starts
new ones, and interleaves ``status``, ``playing`` and ``timeline``
notifications the way a real server mixes them into the stream.
"""

from __future__ import annotations

import asyncio
import random
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from plex_simulator.server import PlexSimulator
    from plex_simulator.state import Library

# Invented titles, so the demo never shows anybody's real library.
_MOVIES = (
    "A Quiet Harbour (2011)",
    "Midnight Over Calder Bay (2016)",
    "The Paper Lanterns (2008)",
    "Seven Bridges North (2019)",
    "Glass Orchard (2021)",
    "The Long Thaw (2014)",
    "Copper Sky (2003)",
    "Saltwater Letters (2022)",
    "Under the Ninth Lamp (1998)",
    "Weathervane (2017)",
)
_SHOWS = (
    "Harbour Lights",
    "The Cartographers",
    "Night Shift at Elm Street Station",
    "Small Town Radio",
    "Orbit & Co.",
)
_ARTISTS = ("The Lanterns", "Mara Vell", "Northbound Choir", "Fennel & Rye")
_ALBUMS = ("Low Tide", "Paper Moons", "Live at the Granary", "Winter Sessions")
_PHOTO_ALBUMS = ("Summer 2023", "4th Birthday", "Hiking the Ridge", "Grandma's 80th")
_BUTLER_STEPS = (
    "Checking database integrity",
    "Vacuuming the database",
    "Rebuilding indexes",
    "Cleaning old bundles",
    "Optimizing database",
)
_CLIENT_IDS = ("sim-living-room-tv", "sim-phone-anna", "sim-tablet-kids")


class _Demo:
    """The state of one running demo."""

    def __init__(self, sim: PlexSimulator, speed: float, rng: random.Random) -> None:
        """Remember the simulator, the time scale and the random source."""
        self._sim = sim
        self._speed = speed
        self._rng = rng

    async def run(self) -> None:
        """Run every activity slot and the notification chatter until cancelled."""
        jobs: list[tuple[Callable[[], Awaitable[None]], float]] = [
            (self._scan, 0.0),
            (self._refresh, 0.0),
            (self._analysis, 0.0),
            (self._butler, 0.5),
            (self._scan, 4.0),
            (self._epg, 8.0),
        ]
        async with asyncio.TaskGroup() as group:
            for job, first_delay in jobs:
                group.create_task(self._slot(job, first_delay))
            group.create_task(self._chatter())

    # ------------------------------------------------------------------ helpers

    async def _sleep(self, seconds: float) -> None:
        """Sleep for ``seconds`` of demo time."""
        await asyncio.sleep(seconds / self._speed)

    def _alive(self, activity_uuid: str) -> bool:
        """Tell whether an activity still runs (a client may have cancelled it)."""
        return activity_uuid in self._sim.activities

    async def _slot(
        self, job: Callable[[], Awaitable[None]], first_delay: float
    ) -> None:
        """Run ``job`` again and again with a short pause in between."""
        await self._sleep(first_delay)
        while True:
            await job()
            await self._sleep(self._rng.uniform(2.0, 6.0))

    async def _advance(
        self,
        activity_uuid: str,
        duration: float,
        subtitle: Callable[[int], str],
        step: tuple[float, float] = (1.0, 2.0),
    ) -> bool:
        """Move an activity from its progress to 100 over ``duration`` seconds.

        Args:
            activity_uuid: The activity.
            duration: Demo seconds until it completes.
            subtitle: Makes the subtitle for a progress value.
            step: The range of seconds between updates.

        Returns:
            True when it completed and was ended, False when it vanished.
        """
        elapsed = 0.0
        while True:
            pause = self._rng.uniform(*step)
            await self._sleep(pause)
            if not self._alive(activity_uuid):
                return False
            elapsed += pause
            progress = min(100, int(100 * elapsed / duration))
            self._sim.update_activity(
                activity_uuid, progress=progress, subtitle=subtitle(progress)
            )
            if progress >= 100:
                break
        await self._sleep(self._rng.uniform(0.2, 0.8))
        if not self._alive(activity_uuid):
            return False
        self._sim.end_activity(activity_uuid)
        return True

    async def _run_activity(
        self,
        duration: tuple[float, float],
        subtitle_at: Callable[[int], str],
        /,
        **activity: Any,
    ) -> bool:
        """Start an activity and move it to 100 over a random duration.

        Args:
            duration: The range of demo seconds until it completes.
            subtitle_at: Makes the subtitle for a progress value.
            **activity: What :meth:`PlexSimulator.start_activity` takes.

        Returns:
            True when it completed and was ended, False when it vanished.
        """
        activity_uuid = self._sim.start_activity(**activity)
        return await self._advance(
            activity_uuid, self._rng.uniform(*duration), subtitle_at
        )

    def _item_name(self, library: Library) -> str:
        """Invent the name of an item a scan of ``library`` is looking at."""
        rng = self._rng
        match library.type:
            case "movie":
                return rng.choice(_MOVIES)
            case "show":
                return (
                    f"{rng.choice(_SHOWS)} - S{rng.randint(1, 6):02d}"
                    f"E{rng.randint(1, 12):02d}"
                )
            case "artist":
                return f"{rng.choice(_ARTISTS)} - {rng.choice(_ALBUMS)}"
            case _:
                return rng.choice(_PHOTO_ALBUMS)

    def _status(self, title: str, description: str = "") -> None:
        """Send a ``status`` notification."""
        self._sim.send_notification(
            "status",
            "StatusNotification",
            [
                {
                    "title": title,
                    "description": description,
                    "notificationName": "LIBRARY_UPDATE",
                }
            ],
        )

    def _timeline(self, section_id: str, title: str, state: int) -> None:
        """Send a ``timeline`` notification about one library item."""
        item_id = self._rng.randint(1000, 99999)
        self._sim.send_notification(
            "timeline",
            "TimelineEntry",
            [
                {
                    "identifier": "com.plexapp.plugins.library",
                    "sectionID": section_id,
                    "itemID": str(item_id),
                    "type": 1,
                    "title": title,
                    "state": state,
                    "updatedAt": int(time.time()),
                }
            ],
        )

    # ------------------------------------------------------------------ jobs

    async def _scan(self) -> None:
        """Scan a library section that is not being scanned already."""
        sim, rng = self._sim, self._rng
        busy = {
            str(activity.get("Context", {}).get("librarySectionID"))
            for activity in sim.activities.values()
            if activity["type"] == "library.update.section"
        }
        candidates = [lib for lib in sim.libraries if lib.key not in busy]
        if not candidates:
            return
        # Movies and TV shows are scanned most often, as on a real server.
        weights = [3 if lib.type in {"movie", "show"} else 1 for lib in candidates]
        library = rng.choices(candidates, weights=weights)[0]
        context = {"librarySectionID": library.key}
        # Real scans sometimes name their section only about a second in.
        late_context = rng.random() < 0.5
        activity_uuid = sim.start_activity(
            type="library.update.section",
            title=f"Scanning {library.title}",
            subtitle="",
            cancellable=True,
            context=None if late_context else context,
        )
        self._status(f'Scanning the "{library.title}" section')
        if late_context:
            await self._sleep(1.0)
            if not self._alive(activity_uuid):
                return
            sim.update_activity(activity_uuid, context=context)

        def subtitle(progress: int) -> str:
            name = self._item_name(library)
            if progress % 3 == 0:
                self._timeline(library.key, name, 5)
            return name

        if await self._advance(activity_uuid, rng.uniform(30.0, 90.0), subtitle):
            self._status("Library scan complete")

    async def _refresh(self) -> None:
        """Refresh the metadata of a show or an album (not cancellable)."""
        metadata_id = self._rng.randint(1000, 40000)
        await self._run_activity(
            (10.0, 40.0),
            lambda _progress: "Augmenting metadata",
            type="library.refresh.items",
            title="Refreshing",
            subtitle="Augmenting metadata",
            cancellable=False,
            context={"key": f"/library/metadata/{metadata_id}/children"},
        )

    async def _analysis(self) -> None:
        """Generate chapter thumbnails or detect credits (cancellable)."""
        rng = self._rng
        activity_type, title = rng.choice(
            (
                ("media.generate.chapter.thumbs", "Analyzing media"),
                ("media.generate.credits", "Detecting credits"),
            )
        )
        movies = rng.sample(_MOVIES, k=4)
        await self._run_activity(
            (20.0, 60.0),
            lambda progress: f"{movies[min(3, progress // 25)]}.mkv",
            type=activity_type,
            title=title,
            subtitle=f"{movies[0]}.mkv",
            cancellable=True,
        )

    async def _epg(self) -> None:
        """Load the electronic programme guide (not cancellable)."""
        total = self._rng.randint(800, 4000)
        await self._run_activity(
            (20.0, 50.0),
            lambda progress: f"Downloaded {total * progress // 100} airings",
            type="provider.epg.load",
            title="Refreshing EPG",
            subtitle="Downloaded 0 airings",
            cancellable=False,
        )

    async def _butler(self) -> None:
        """Run a scheduled butler task without a known progress."""
        sim, rng = self._sim, self._rng
        steps = list(_BUTLER_STEPS)
        rng.shuffle(steps)
        activity_uuid = sim.start_activity(
            type="butler",
            title="Running scheduled maintenance",
            subtitle=steps[0],
            progress=-1,
            cancellable=False,
        )
        for step in steps[1:]:
            await self._sleep(rng.uniform(6.0, 15.0))
            if not self._alive(activity_uuid):
                return
            sim.update_activity(activity_uuid, subtitle=step)
        await self._sleep(rng.uniform(4.0, 10.0))
        if self._alive(activity_uuid):
            sim.end_activity(activity_uuid)

    # ------------------------------------------------------------------ chatter

    async def _chatter(self) -> None:
        """Interleave playback, timeline, status and log notifications."""
        sim, rng = self._sim, self._rng
        view_offset = rng.randint(0, 3_000_000)
        rating_key = str(rng.randint(1000, 40000))
        while True:
            await self._sleep(rng.uniform(1.5, 5.0))
            kind = rng.choices(
                ("playing", "timeline", "status", "log"), weights=(5, 3, 1, 1)
            )[0]
            if kind == "playing":
                view_offset += rng.randint(2000, 10000)
                sim.send_notification(
                    "playing",
                    "PlaySessionStateNotification",
                    [self._playing(view_offset, rating_key)],
                )
            elif kind == "timeline":
                library = rng.choice(sim.libraries) if sim.libraries else None
                if library is not None:
                    self._timeline(library.key, self._item_name(library), 0)
            elif kind == "status":
                self._status("Library scan complete")
            else:
                sim.send_notification(
                    "log",
                    "LogSentNotification",
                    [
                        {
                            "level": 3,
                            "thread": str(rng.randint(1000, 9999)),
                            "time": time.strftime("%b %d, %Y %H:%M:%S.000"),
                            "message": "Simulated log line",
                        }
                    ],
                )

    def _playing(self, view_offset: int, rating_key: str) -> dict[str, Any]:
        """Build one ``PlaySessionStateNotification`` entry."""
        rng = self._rng
        return {
            "sessionKey": "7",
            "clientIdentifier": rng.choice(_CLIENT_IDS),
            "guid": "",
            "ratingKey": rating_key,
            "url": "",
            "key": f"/library/metadata/{rating_key}",
            "viewOffset": view_offset,
            "playQueueItemID": 54321,
            "state": rng.choices(("playing", "paused", "buffering"), (8, 1, 1))[0],
        }


async def run_demo(
    sim: PlexSimulator, *, speed: float = 1.0, rng: random.Random | None = None
) -> None:
    """Keep a realistic mix of activities running until cancelled.

    Args:
        sim: The simulator to drive (it need not be started yet).
        speed: The time scale; 2.0 runs everything twice as fast.
        rng: The random source; a fresh unseeded one when omitted.

    Raises:
        ValueError: ``speed`` is not positive.
    """
    if speed <= 0:
        raise ValueError("speed must be positive")
    # Scans and tasks started from Home Assistant run long enough to watch on the card.
    sim.work.duration = 40.0 / speed
    await _Demo(sim, speed, rng or random.Random()).run()
