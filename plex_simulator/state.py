"""The simulated server's state: identity, libraries, activities, request log."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict, Unpack
import uuid as uuid_module

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping


@dataclass(frozen=True, slots=True)
class Library:
    """A library section as ``/library/sections`` lists it.

    Attributes:
        key: The section key, a string of digits like real Plex uses ("1").
        title: The user-facing name ("Movies").
        type: The Plex section type: ``movie``, ``show``, ``artist`` or ``photo``.
    """

    key: str
    title: str
    type: str


DEFAULT_LIBRARIES: tuple[Library, ...] = (
    Library(key="1", title="Movies", type="movie"),
    Library(key="2", title="TV Shows", type="show"),
    Library(key="3", title="Music", type="artist"),
    Library(key="4", title="Photos", type="photo"),
)


@dataclass(frozen=True, slots=True)
class ServerIdentity:
    """What the server says about itself on ``/identity`` and ``/``.

    Attributes:
        friendly_name: The server name shown to users.
        machine_identifier: The stable server id.
        version: The Plex Media Server version string.
        platform: The operating system name.
        platform_version: The operating system version.
        api_version: The value of ``apiVersion`` on ``/identity``.
        my_plex_username: The owner account's e-mail address.
    """

    friendly_name: str
    machine_identifier: str
    version: str
    platform: str
    platform_version: str = "6.1.0-simulated"
    api_version: str = "1.2.2"
    my_plex_username: str = "simulator@example.invalid"


@dataclass(slots=True)
class RequestRecord:
    """One HTTP request the simulator received.

    Attributes:
        method: The HTTP method ("GET", "DELETE", ...).
        path: The request path without the query string.
        query: The query parameters (the last value wins for repeated names).
        headers: The request headers with their names as the client spelled them.
        websocket: Whether the request asked for a websocket upgrade.
    """

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    websocket: bool = False


class NewActivity(TypedDict, total=False):
    """The fields of a new activity; :func:`build_activity` fills in the rest.

    Attributes:
        uuid: The activity id; a random UUID when omitted (or None).
        type: The dotted activity type ("library.update.section").
        title: The user-facing title ("Scanning").
        subtitle: The user-facing detail line ("").
        progress: Percent complete, or -1 when indeterminate (0).
        cancellable: Whether ``DELETE /activities/{uuid}`` may cancel it (False).
        user_id: The owning account id (1).
        context: The ``Context`` object; omitted when empty (None).
    """

    uuid: str | None
    type: str
    title: str
    subtitle: str
    progress: int
    cancellable: bool
    user_id: int
    context: Mapping[str, Any] | None


# The fields of :class:`NewActivity` whose JSON name differs.
_JSON_NAMES: Mapping[str, str] = {"user_id": "userID", "context": "Context"}


def build_activity(**fields: Unpack[NewActivity]) -> dict[str, Any]:
    """Build an activity in the JSON shape ``GET /activities`` returns.

    Args:
        **fields: The given fields; see :class:`NewActivity` for the defaults.

    Returns:
        The activity as a JSON-ready dict.
    """
    activity: dict[str, Any] = {
        "uuid": fields.get("uuid") or str(uuid_module.uuid4()),
        "type": fields.get("type", "library.update.section"),
        "cancellable": fields.get("cancellable", False),
        "userID": fields.get("user_id", 1),
        "title": fields.get("title", "Scanning"),
        "subtitle": fields.get("subtitle", ""),
        "progress": fields.get("progress", 0),
    }
    if context := fields.get("context"):
        activity["Context"] = dict(context)
    return activity


def complete_activity(given: Mapping[str, Any]) -> dict[str, Any]:
    """Complete an activity given in the JSON shape of ``GET /activities``.

    Missing fields get the defaults of :func:`build_activity`; fields it does
    not know are kept as given.

    Args:
        given: Some or all fields of an activity.

    Returns:
        The whole activity as a JSON-ready dict.
    """
    fields: Any = {
        name: given[json_name]
        for name in NewActivity.__optional_keys__
        if (json_name := _JSON_NAMES.get(name, name)) in given
    }
    activity = build_activity(**fields)
    activity.update((key, value) for key, value in given.items() if key not in activity)
    return activity


class ActivityChanges(TypedDict, total=False):
    """The fields a change of a running activity may set; None keeps one as it is.

    A ``context`` replaces the whole ``Context`` object; an empty one removes it.
    """

    progress: int | None
    subtitle: str | None
    title: str | None
    context: Mapping[str, Any] | None


class ActivityStore:
    """The running activities, in start order, keyed by uuid."""

    def __init__(self) -> None:
        """Start with no activities."""
        self._activities: dict[str, dict[str, Any]] = {}

    def __contains__(self, activity_uuid: object) -> bool:
        """Tell whether an activity with this uuid is running."""
        return activity_uuid in self._activities

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """Iterate over the running activities (live objects)."""
        return iter(list(self._activities.values()))

    def __len__(self) -> int:
        """Count the running activities."""
        return len(self._activities)

    def get(self, activity_uuid: str) -> dict[str, Any]:
        """Return a copy of one activity.

        Raises:
            KeyError: No activity has this uuid.
        """
        return copy.deepcopy(self._activities[activity_uuid])

    def snapshot(self) -> dict[str, dict[str, Any]]:
        """Return a deep copy of all activities keyed by uuid."""
        return copy.deepcopy(self._activities)

    def add(self, activity: dict[str, Any]) -> dict[str, Any]:
        """Add a new activity and return a copy of it.

        Raises:
            ValueError: An activity with the same uuid is already running.
        """
        activity_uuid = activity["uuid"]
        if activity_uuid in self._activities:
            raise ValueError(f"activity {activity_uuid} is already running")
        self._activities[activity_uuid] = copy.deepcopy(activity)
        return copy.deepcopy(activity)

    def update(
        self, activity_uuid: str, **changes: Unpack[ActivityChanges]
    ) -> dict[str, Any]:
        """Change fields of a running activity and return a copy of it.

        Raises:
            KeyError: No activity has this uuid.
        """
        activity = self._activities[activity_uuid]
        if (progress := changes.get("progress")) is not None:
            activity["progress"] = progress
        if (subtitle := changes.get("subtitle")) is not None:
            activity["subtitle"] = subtitle
        if (title := changes.get("title")) is not None:
            activity["title"] = title
        if (context := changes.get("context")) is not None:
            if context:
                activity["Context"] = dict(context)
            else:
                activity.pop("Context", None)
        return copy.deepcopy(activity)

    def remove(self, activity_uuid: str) -> dict[str, Any]:
        """Remove a running activity and return its last state.

        Raises:
            KeyError: No activity has this uuid.
        """
        return self._activities.pop(activity_uuid)

    def replace_all(self, activities: list[dict[str, Any]]) -> None:
        """Replace every activity at once."""
        self._activities = {
            activity["uuid"]: copy.deepcopy(activity) for activity in activities
        }

    def clear(self) -> None:
        """Forget every activity."""
        self._activities.clear()
