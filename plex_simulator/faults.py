"""Faults of single routes: one path failing while the rest of the server works.

A busy Plex can time out or fail on ``/library/sections`` while ``/activities`` answers
fine; ``PlexSimulator.route_faults`` makes that happen on demand.
"""

from __future__ import annotations


class RouteFaults:
    """The HTTP status each failing path answers with (an HTML error page)."""

    def __init__(self) -> None:
        """Start with every route working."""
        self._statuses: dict[str, int] = {}

    def fail(self, path: str, status: int = 500) -> None:
        """Make ``path`` answer ``status`` until :meth:`heal`."""
        self._statuses[path] = status

    def heal(self, path: str | None = None) -> None:
        """Make ``path`` (every path when None) work again."""
        if path is None:
            self._statuses.clear()
        else:
            self._statuses.pop(path, None)

    def status_for(self, path: str) -> int | None:
        """Return the status ``path`` must fail with, or None when it works."""
        return self._statuses.get(path)
