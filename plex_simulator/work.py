"""Work the server starts on request: scans and butler tasks, each an activity.

A request that starts work creates an activity, and :class:`WorkRunner` moves it
to completion: its progress climbs over :attr:`WorkRunner.duration` seconds and it
ends with a ``Response`` object, the way Plex reports the result of its
asynchronous operations. Tests that want to control the end set ``duration`` to
None and call :meth:`WorkRunner.finish`.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from plex_simulator.server import PlexSimulator

ACTIVITY_HEADER: Final = "X-Plex-Activity"
_STEPS: Final = 5


class WorkRunner:
    """Runs the activities that requests to the simulator start.

    Attributes:
        duration: Seconds from start to end of each piece of work; None keeps it
            running until :meth:`finish` (or a cancel) ends it.
        activity_header: Whether the answers that start work carry the
            ``X-Plex-Activity`` header. Plex's API specification declares it on
            none of the library and butler endpoints, so it is off by default;
            whether a real server sends it anyway is not known.
        context_delay: Seconds before a scan names its library in ``Context``
            (real scans sometimes do so only about a second in).
    """

    def __init__(self, sim: PlexSimulator) -> None:
        """Bind the runner to ``sim``."""
        self._sim = sim
        self._tasks: set[asyncio.Task[None]] = set()
        self._responses: dict[str, dict[str, Any]] = {}
        self._on_finish: dict[str, Callable[[], None]] = {}
        self.duration: float | None = 3.0
        self.activity_header = False
        self.context_delay = 0.0

    def headers(self, activity_uuid: str) -> dict[str, str]:
        """Return the headers of an answer that started (or joined) an activity."""
        return {ACTIVITY_HEADER: activity_uuid} if self.activity_header else {}

    def start(
        self,
        activity_uuid: str,
        response: Mapping[str, Any],
        *,
        on_finish: Callable[[], None] | None = None,
        late_context: Mapping[str, Any] | None = None,
    ) -> None:
        """Follow a new activity until it ends.

        Args:
            activity_uuid: The activity the work created.
            response: The ``Response`` object it ends with.
            on_finish: Called when it completes (not when it is cancelled).
            late_context: ``Context`` set after :attr:`context_delay` seconds.
        """
        self._responses[activity_uuid] = dict(response)
        if on_finish is not None:
            self._on_finish[activity_uuid] = on_finish
        task = asyncio.get_running_loop().create_task(
            self._run(activity_uuid, late_context)
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def finish(self, activity_uuid: str) -> None:
        """End a running piece of work now, with its ``Response``.

        Raises:
            KeyError: No activity has this uuid.
        """
        response = self._responses.pop(activity_uuid, {})
        self._sim.update_activity(activity_uuid, progress=100)
        self._sim.end_activity(activity_uuid, response=response)
        if (on_finish := self._on_finish.pop(activity_uuid, None)) is not None:
            on_finish()

    def cancel(self, activity_uuid: str) -> None:
        """End a piece of work without its result, like a cancel does."""
        self._forget(activity_uuid)
        if activity_uuid in self._sim.activities:
            self._sim.end_activity(activity_uuid)

    async def stop(self) -> None:
        """Stop following every activity (the server stops)."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(
        self, activity_uuid: str, late_context: Mapping[str, Any] | None
    ) -> None:
        if late_context is not None:
            await asyncio.sleep(self.context_delay)
            if not self._alive(activity_uuid):
                return
            self._sim.update_activity(activity_uuid, context=late_context)
        if self.duration is None:
            return
        for step in range(1, _STEPS):
            await asyncio.sleep(self.duration / _STEPS)
            if not self._alive(activity_uuid):
                return
            if self._sim.activities[activity_uuid].get("progress", 0) >= 0:
                self._sim.update_activity(activity_uuid, progress=100 * step // _STEPS)
        await asyncio.sleep(self.duration / _STEPS)
        if self._alive(activity_uuid):
            self.finish(activity_uuid)

    def _alive(self, activity_uuid: str) -> bool:
        if activity_uuid in self._sim.activities:
            return True
        self._forget(activity_uuid)  # cancelled with DELETE /activities/{uuid}
        return False

    def _forget(self, activity_uuid: str) -> None:
        self._responses.pop(activity_uuid, None)
        self._on_finish.pop(activity_uuid, None)
