"""An activity as attributes: one set of key names wherever an activity is shown.

The activity sensors, the Activities sensor's list, the event entity and diagnostics
all describe an activity with these keys (the README's "Activity attributes" table);
each only adds what is its own (the list an `entity_id`, the event a `duration`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .api import LibrarySection
    from .tracker import TrackedActivity

# What changes with every file or never helps a graph: kept out of the history database.
UNRECORDED_ATTRIBUTES: Final = frozenset(
    {"subtitle", "uuid", "user_id", "started_at", "context_details"}
)
# A Context value longer than this (or a list or an object) is "bulky": it goes to
# `context_details`, which the history database does not record.
CONTEXT_VALUE_MAX_LENGTH: Final = 100


def activity_attributes(
    tracked: TrackedActivity,
    libraries: Mapping[str, LibrarySection],
    *,
    progress: bool = True,
    context: bool = True,
) -> dict[str, Any]:
    """Return an activity's attributes; `progress=False` leaves out the progress.

    `context=False` leaves out Plex's `Context` keys: the Activities sensor lists up to
    1,000 activities, and two more dicts for each of them on every write of that list
    made the garbage collector stall the event loop during a burst of starts.

    `libraries` (section id -> section) names the library the activity works on.
    """
    activity = tracked.activity
    library_id = activity.library_section_id
    library = None if library_id is None else libraries.get(library_id)
    attributes: dict[str, Any] = {
        "uuid": activity.uuid,
        "activity_type": activity.type,
        "title": activity.title,
        "subtitle": activity.subtitle,
        "progress": activity.progress,
        "cancellable": activity.cancellable,
        "user_id": activity.user_id,
        "library": None if library is None else library.title,
        "library_id": library_id,
        "started_at": tracked.started_at.isoformat(),
    }
    if context:
        attributes.update(context_attributes(activity.context))
    if not progress:
        del attributes["progress"]
    return attributes


def context_attributes(context: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Split Plex's `Context` (but the library, already an attribute) by size.

    `context` gets the short values (numbers, flags, short texts), `context_details`
    the bulky ones (long texts, lists, objects).
    """
    short: dict[str, Any] = {}
    bulky: dict[str, Any] = {}
    for key, value in context.items():
        if key == "librarySectionID":
            continue
        if (
            value is None
            or isinstance(value, bool | int | float)
            or (isinstance(value, str) and len(value) <= CONTEXT_VALUE_MAX_LENGTH)
        ):
            short[key] = value
        else:
            bulky[key] = value
    return {"context": short, "context_details": bulky}
