"""Starting work on the server: library scans and butler (maintenance) tasks.

Every endpoint here needs an administrator's token. None of them is declared to return
the `X-Plex-Activity` header in Plex's API specification; whether a server sends it
anyway is not known, so the header is passed on when present and None otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Protocol
from urllib.parse import quote

from .exceptions import PlexInvalidResponseError
from .fields import as_bool, as_id, as_int, as_list, as_text

# "Activities are associated with HTTP replies via a special X-Plex-Activity header
# which contains the UUID of the activity" (Plex's API documentation).
ACTIVITY_HEADER: Final = "X-Plex-Activity"


@dataclass(frozen=True, slots=True)
class Answer:
    """A successful HTTP answer: its status, its activity header, its body."""

    status: int
    activity_id: str | None
    body: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class StartedWork:
    """What the server answered to a request that starts work."""

    activity_id: str | None
    """The uuid of the activity it started, from the `X-Plex-Activity` header, if sent."""
    already_running: bool = False
    """Whether the work was running already (Plex answers 202 for a butler task)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ButlerTask:
    """A scheduled maintenance task of the server (`GET /butler`)."""

    name: str
    """The task's name, which `POST /butler/{name}` runs (e.g. `BackupDatabase`)."""
    title: str
    description: str = ""
    enabled: bool = False
    interval: int | None = None
    """Days between runs."""

    @classmethod
    def from_json(cls, data: Any) -> ButlerTask | None:
        """Build a task from a `ButlerTask` entry; None if it has no name."""
        if not isinstance(data, Mapping) or (name := as_id(data.get("name"))) is None:
            return None
        return cls(
            name=name,
            title=as_text(data.get("title")) or name,
            description=as_text(data.get("description")),
            enabled=as_bool(data.get("enabled")),
            interval=as_int(data.get("interval")),
        )


def parse_butler_tasks(data: Any) -> list[ButlerTask]:
    """Parse `GET /butler`: `ButlerTasks.ButlerTask`, not wrapped in a MediaContainer.

    A `MediaContainer` holding the `ButlerTask` list is accepted too, in case a server
    version wraps it like its other answers. A name listed twice counts once (the
    first): a task is known by its name.
    """
    container: Any = None
    if isinstance(data, Mapping):
        container = data.get("ButlerTasks", data.get("MediaContainer"))
    if not isinstance(container, Mapping):
        raise PlexInvalidResponseError("response has no ButlerTasks object")
    tasks: dict[str, ButlerTask] = {}
    for entry in as_list(container.get("ButlerTask"), "ButlerTask"):
        if (task := ButlerTask.from_json(entry)) is not None:
            tasks.setdefault(task.name, task)
    return list(tasks.values())


class _Sender(Protocol):
    """What the operations need of the client (PlexClient provides it)."""

    async def _send(
        self, method: str, path: str, *, query: Mapping[str, str] | None = None
    ) -> Answer: ...

    async def _request(self, method: str, path: str) -> Any: ...


def _section_path(section_id: str, operation: str) -> str:
    return f"/library/sections/{quote(section_id, safe='')}/{operation}"


class ServerOperations:
    """The client's requests that start or stop work on the server."""

    async def scan_section(
        self: _Sender, section_id: str, *, path: str | None = None, force: bool = False
    ) -> StartedWork:
        """Scan a library section (`GET /library/sections/{id}/refresh`).

        `path` limits the scan to one folder of the section (Plex's partial scan);
        `force` refreshes metadata even of items that did not change. GET, not the
        spec's POST: Plex's own clients use GET, and PMS 1.32 answered POST with 404.
        Raises PlexNotFoundError for an unknown section.
        """
        query = {"force": "1"} if force else {}
        if path:
            query["path"] = path
        answer = await self._send(
            "GET", _section_path(section_id, "refresh"), query=query
        )
        return StartedWork(activity_id=answer.activity_id)

    async def cancel_section_scan(self: _Sender, section_id: str) -> None:
        """Stop a section's scan (`DELETE /library/sections/{id}/refresh`)."""
        await self._send("DELETE", _section_path(section_id, "refresh"))

    async def analyze_section(self: _Sender, section_id: str) -> StartedWork:
        """Analyze every item of a section (`PUT /library/sections/{id}/analyze`)."""
        answer = await self._send("PUT", _section_path(section_id, "analyze"))
        return StartedWork(activity_id=answer.activity_id)

    async def butler_tasks(self: _Sender) -> list[ButlerTask]:
        """Return the server's scheduled maintenance tasks (`GET /butler`)."""
        return parse_butler_tasks(await self._request("GET", "/butler"))

    async def run_butler_task(self: _Sender, name: str) -> StartedWork:
        """Run a butler task now (`POST /butler/{name}`).

        Plex answers 200 when it started the task and 202 when the task already runs;
        PlexNotFoundError (404) means the server has no such task.
        """
        answer = await self._send("POST", f"/butler/{quote(name, safe='')}")
        return StartedWork(
            activity_id=answer.activity_id, already_running=answer.status == 202
        )
