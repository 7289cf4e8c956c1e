"""Faults of single REST paths: one endpoint slow or failing while the rest works.

A real server can time out on one busy endpoint (``/library/sections`` of a big library)
or refuse one endpoint to a token that may not use it, while everything else answers.
``PlexSimulator.route_faults`` makes that happen on demand.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from plex_simulator.render import html_response

if TYPE_CHECKING:
    from aiohttp import web


@dataclass(frozen=True, kw_only=True)
class PathFault:
    """What one path does instead of answering normally.

    Attributes:
        delay: Seconds to wait before answering (longer than a client's timeout makes
            it time out).
        status: Answer this HTTP status with Plex's HTML error page instead.
        redirect_to: Answer 302 to this address instead, like a proxy in front of
            Plex sending requests to a sign-in page elsewhere.
    """

    delay: float = 0.0
    status: int | None = None
    redirect_to: str | None = None


class RouteFaults:
    """The fault of each failing path; every other path works."""

    def __init__(self) -> None:
        """Start with every route working."""
        self._faults: dict[str, PathFault] = {}

    def set(self, path: str, fault: PathFault) -> None:
        """Make ``path`` behave as ``fault`` says until :meth:`heal`."""
        self._faults[path] = fault

    def fail(self, path: str, status: int = 500) -> None:
        """Make ``path`` answer ``status`` until :meth:`heal`."""
        self.set(path, PathFault(status=status))

    def heal(self, path: str | None = None) -> None:
        """Make ``path`` (every path when None) work again."""
        if path is None:
            self._faults.clear()
        else:
            self._faults.pop(path, None)

    async def response(self, request: web.Request) -> web.Response | None:
        """Apply the fault of the request's path, if any; return the answer it replaces."""
        if (fault := self._faults.get(request.path)) is None:
            return None
        if fault.delay > 0:
            await asyncio.sleep(fault.delay)
        if fault.redirect_to is not None:
            return html_response(302, headers={"Location": fault.redirect_to})
        return None if fault.status is None else html_response(fault.status)
