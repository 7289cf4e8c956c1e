"""Library scans and analysis: ``/library/sections/{id}/refresh`` and ``/analyze``.

Plex's semantics, as its API documentation and its own clients show them:

- ``GET /library/sections/{id}/refresh`` scans a section (``force=1`` refreshes
  metadata of unchanged items too, ``path=`` scans one folder only). Plex's own
  clients use GET; PMS 1.32 answered the specification's POST with 404, and so
  does the simulator. The scan is a ``library.update.section`` activity whose
  ``Context.librarySectionID`` names the section. A scan of a section that is
  scanning already joins the running scan: no second activity.
- ``DELETE /library/sections/{id}/refresh`` stops the section's scan (200 even
  when none runs).
- ``PUT /library/sections/{id}/analyze`` analyzes the section's media: a
  ``media.generate.bif`` activity (which type a real server uses is not known).
- A finished scan sets the section's ``scannedAt``; ``refreshing`` is on while
  it runs.
- An unknown section answers 404.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from plex_simulator.render import html_response

if TYPE_CHECKING:
    from aiohttp import web

    from plex_simulator.server import PlexSimulator
    from plex_simulator.state import Library
    from plex_simulator.work import WorkRunner

SCAN_TYPE = "library.update.section"
ANALYZE_TYPE = "media.generate.bif"
_SECTION_PATH = "/library/sections/{key}"


class LibraryOperations:
    """Scans and analyses of the simulator's library sections.

    Attributes:
        scanned_at: When each section was last scanned (epoch seconds), by key;
            sections not in it report a fixed time in the past.
    """

    def __init__(self, sim: PlexSimulator, work: WorkRunner) -> None:
        """Bind the operations to ``sim``; ``work`` runs their activities."""
        self._sim = sim
        self._work = work
        self._scans: dict[str, str] = {}
        self.scanned_at: dict[str, int] = {}

    def add_routes(self, router: web.UrlDispatcher) -> None:
        """Add the routes of this module to the application's router."""
        router.add_get(f"{_SECTION_PATH}/refresh", self.refresh)
        router.add_post(f"{_SECTION_PATH}/refresh", self.refresh_post)
        router.add_delete(f"{_SECTION_PATH}/refresh", self.cancel_refresh)
        router.add_put(f"{_SECTION_PATH}/analyze", self.analyze)

    def scanning(self) -> set[str]:
        """Return the keys of the sections scanning now, named in Context or not yet."""
        return {key for key in list(self._scans) if self.running_scan(key)}

    def running_scan(self, key: str) -> str | None:
        """Return the uuid of the section's running scan, if one runs."""
        activities = self._sim.activities
        if (scan := self._scans.get(key)) is not None:
            if scan in activities:
                return scan
            del self._scans[key]
        for activity in activities.values():
            section = activity.get("Context", {}).get("librarySectionID")
            if activity["type"] == SCAN_TYPE and str(section) == key:
                return str(activity["uuid"])
        return None

    def scan(self, library: Library, *, path: str = "", force: bool = False) -> str:
        """Scan a section, or join its running scan; return the scan's uuid.

        Args:
            library: The section.
            path: The folder to scan; the whole section when empty.
            force: Refresh metadata of unchanged items too.
        """
        if (running := self.running_scan(library.key)) is not None:
            return running
        context = {"librarySectionID": library.key}
        late = self._work.context_delay > 0
        scan = self._sim.start_activity(
            type=SCAN_TYPE,
            title=f"Scanning {library.title}",
            subtitle=path,
            cancellable=True,
            context=None if late else context,
        )
        self._scans[library.key] = scan
        self._work.start(
            scan,
            {"librarySectionID": library.key, "forced": force, "path": path},
            on_finish=lambda: self._scanned(library.key),
            late_context=context if late else None,
        )
        return scan

    def _scanned(self, key: str) -> None:
        self.scanned_at[key] = int(time.time())

    def _library(self, request: web.Request) -> Library | None:
        key = request.match_info["key"]
        return next((lib for lib in self._sim.libraries if lib.key == key), None)

    async def refresh(self, request: web.Request) -> web.Response:
        """``GET /library/sections/{id}/refresh``: scan a section."""
        if (library := self._library(request)) is None:
            return html_response(404)
        force = request.query.get("force", "0").lower() in {"1", "true"}
        scan = self.scan(library, path=request.query.get("path", ""), force=force)
        return html_response(200, "", self._work.headers(scan))

    async def refresh_post(self, request: web.Request) -> web.Response:
        """``POST .../refresh``: the specification's method, 404 as on PMS 1.32."""
        del request
        return html_response(404)

    async def cancel_refresh(self, request: web.Request) -> web.Response:
        """``DELETE /library/sections/{id}/refresh``: stop the section's scan."""
        if (library := self._library(request)) is None:
            return html_response(404)
        if (scan := self.running_scan(library.key)) is not None:
            self._work.cancel(scan)
        return html_response(200, "")

    async def analyze(self, request: web.Request) -> web.Response:
        """``PUT /library/sections/{id}/analyze``: analyze a section's media."""
        if (library := self._library(request)) is None:
            return html_response(404)
        activity = self._sim.start_activity(
            type=ANALYZE_TYPE,
            title=f"Analyzing {library.title}",
            cancellable=True,
            context={"librarySectionID": library.key},
        )
        self._work.start(activity, {"librarySectionID": library.key})
        return html_response(200, "", self._work.headers(activity))
