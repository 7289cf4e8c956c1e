"""A small Plex Media Server simulator for tests and demos.

It speaks the parts of the Plex Media Server HTTP API that the
``plex_activities`` integration uses: ``/identity``, the server root,
``/activities`` (list and cancel), ``/library/sections`` and the
notification websocket. Tests drive it through :class:`PlexSimulator`.
"""

from plex_simulator.faults import PathFault
from plex_simulator.server import PlexSimulator, RequestRecord
from plex_simulator.state import DEFAULT_LIBRARIES, Library

__all__ = [
    "DEFAULT_LIBRARIES",
    "Library",
    "PathFault",
    "PlexSimulator",
    "RequestRecord",
]
