"""The butler: the server's scheduled maintenance tasks, ``/butler``.

Plex's semantics, as its API documentation gives them:

- ``GET /butler`` lists the tasks as ``{"ButlerTasks": {"ButlerTask": [...]}}``,
  not wrapped in a ``MediaContainer``; each has ``name``, ``title``,
  ``description``, ``enabled``, ``interval`` (days) and ``scheduleRandomized``.
- ``POST /butler/{name}`` runs a task: 200 when it started, 202 when it runs
  already, 404 when the server has no such task. The body is ``text/html``.
- ``DELETE /butler/{name}`` stops a running task: 200, or 404 when no task of
  that name runs.

A running task is a ``butler`` activity with an indeterminate progress (which
type a real server uses is not documented; one third-party fixture says
``butler.task``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from plex_simulator.render import container_response, html_response

if TYPE_CHECKING:
    from aiohttp import web

    from plex_simulator.server import PlexSimulator
    from plex_simulator.work import WorkRunner

BUTLER_TYPE = "butler"


@dataclass(frozen=True, slots=True)
class ButlerTask:
    """A scheduled task as ``GET /butler`` lists it.

    Attributes:
        name: The name ``POST /butler/{name}`` takes.
        title: The user-facing name.
        description: What the task does.
        enabled: Whether the schedule runs it.
        interval: Days between runs.
    """

    name: str
    title: str
    description: str = ""
    enabled: bool = True
    interval: int = 1


DEFAULT_BUTLER_TASKS: tuple[ButlerTask, ...] = (
    ButlerTask("BackupDatabase", "Backup Database", "Back up the database", interval=3),
    ButlerTask(
        "OptimizeDatabase", "Optimize Database", "Optimize the database", interval=7
    ),
    ButlerTask(
        "CleanOldBundles", "Clean Old Bundles", "Remove unused bundles", interval=7
    ),
    ButlerTask(
        "CleanOldCacheFiles", "Clean Old Cache Files", "Delete old caches", interval=7
    ),
    ButlerTask(
        "RefreshPeriodicMetadata",
        "Refresh Periodic Metadata",
        "Refresh metadata that changes over time",
    ),
    ButlerTask(
        "DeepMediaAnalysis",
        "Deep Media Analysis",
        "Analyze media in depth",
        enabled=False,
    ),
)


class Butler:
    """The simulator's butler tasks and the activities of the running ones."""

    def __init__(self, sim: PlexSimulator, work: WorkRunner) -> None:
        """Bind the butler to ``sim``; ``work`` runs the tasks' activities."""
        self._sim = sim
        self._work = work
        self._running: dict[str, str] = {}
        self.tasks: tuple[ButlerTask, ...] = DEFAULT_BUTLER_TASKS

    def add_routes(self, router: web.UrlDispatcher) -> None:
        """Add the routes of this module to the application's router."""
        router.add_get("/butler", self.list_tasks)
        router.add_post("/butler/{name}", self.run_task)
        router.add_delete("/butler/{name}", self.stop_task)

    def running(self, name: str) -> str | None:
        """Return the uuid of a task's activity while it runs."""
        activity = self._running.get(name)
        if activity is not None and activity not in self._sim.activities:
            del self._running[name]
            return None
        return activity

    def run(self, task: ButlerTask) -> str:
        """Start a task (it must not be running) and return its activity's uuid."""
        activity = self._sim.start_activity(
            type=BUTLER_TYPE, title=task.title, progress=-1, cancellable=False
        )
        self._running[task.name] = activity
        self._work.start(activity, {"task": task.name})
        return activity

    def _task(self, request: web.Request) -> ButlerTask | None:
        name = request.match_info["name"]
        return next((task for task in self.tasks if task.name == name), None)

    async def list_tasks(self, request: web.Request) -> web.Response:
        """``GET /butler``: the scheduled tasks."""
        entries: list[dict[str, Any]] = [
            {
                "name": task.name,
                "title": task.title,
                "description": task.description,
                "enabled": task.enabled,
                "interval": task.interval,
                "scheduleRandomized": False,
            }
            for task in self.tasks
        ]
        return container_response(request, {"ButlerTasks": {"ButlerTask": entries}})

    async def run_task(self, request: web.Request) -> web.Response:
        """``POST /butler/{name}``: 200 started, 202 already running, 404 unknown."""
        if (task := self._task(request)) is None:
            return html_response(404)
        if (activity := self.running(task.name)) is not None:
            return html_response(202, "", self._work.headers(activity))
        return html_response(200, "", self._work.headers(self.run(task)))

    async def stop_task(self, request: web.Request) -> web.Response:
        """``DELETE /butler/{name}``: stop a running task; 404 when none runs."""
        if (task := self._task(request)) is None or (
            activity := self.running(task.name)
        ) is None:
            return html_response(404)
        self._work.cancel(activity)
        return html_response(200, "")
