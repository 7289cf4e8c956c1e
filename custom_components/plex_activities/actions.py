"""The actions that start work on Plex and list it: scan_library, run_task, list_activities."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Any, Final

from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, entity_registry as er
from homeassistant.helpers.service import (
    async_get_config_entry,
    async_register_admin_service,
)
import voluptuous as vol

from .activity_id import activity_entity_id
from .api import PlexAuthenticationError, PlexNotAllowedError
from .attributes import activity_attributes
from .const import ATTR_CONFIG_ENTRY_ID, DOMAIN
from .starting import (
    async_run_task,
    async_scan_library,
    translated,
    translated_errors,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .api import ButlerTask, LibrarySection
    from .coordinator import PlexActivitiesConfigEntry, PlexActivitiesCoordinator

SERVICE_SCAN_LIBRARY: Final = "scan_library"
SERVICE_RUN_TASK: Final = "run_task"
SERVICE_LIST_ACTIVITIES: Final = "list_activities"

ATTR_LIBRARY: Final = "library"
ATTR_PATH: Final = "path"
ATTR_FORCE: Final = "force"
ATTR_TASK: Final = "task"

# At run time `voluptuous` is Home Assistant's probatio alias (see services.py).
SCAN_LIBRARY_SCHEMA: Final[Any] = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required(ATTR_LIBRARY): cv.string,
        vol.Optional(ATTR_PATH): cv.string,
        vol.Optional(ATTR_FORCE, default=False): cv.boolean,
    }
)
RUN_TASK_SCHEMA: Final[Any] = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required(ATTR_TASK): cv.string,
    }
)
LIST_ACTIVITIES_SCHEMA: Final[Any] = vol.Schema(
    {vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string}
)


@callback
def async_setup_actions(hass: HomeAssistant) -> None:
    """Register the actions (once, not per entry); all of them are admin-only."""
    for name, handler, schema, supports_response in (
        (
            SERVICE_SCAN_LIBRARY,
            _async_scan_library,
            SCAN_LIBRARY_SCHEMA,
            SupportsResponse.OPTIONAL,
        ),
        (SERVICE_RUN_TASK, _async_run_task, RUN_TASK_SCHEMA, SupportsResponse.OPTIONAL),
        (
            SERVICE_LIST_ACTIVITIES,
            _async_list_activities,
            LIST_ACTIVITIES_SCHEMA,
            SupportsResponse.ONLY,
        ),
    ):
        async_register_admin_service(
            hass, DOMAIN, name, handler, schema, supports_response
        )


def _coordinator(call: ServiceCall) -> PlexActivitiesCoordinator:
    entry: PlexActivitiesConfigEntry = async_get_config_entry(
        call.hass, DOMAIN, call.data[ATTR_CONFIG_ENTRY_ID]
    )
    return entry.runtime_data


async def _async_scan_library(call: ServiceCall) -> ServiceResponse:
    """Scan a library (or one folder of it) and return the scan's activity."""
    coordinator = _coordinator(call)
    library = await async_find_library(coordinator, call.data[ATTR_LIBRARY])
    path: str | None = call.data.get(ATTR_PATH) or None
    if path is not None:
        check_path(library, path)
    activity_id = await async_scan_library(
        coordinator, library, path=path, force=call.data[ATTR_FORCE]
    )
    return {
        "activity_id": activity_id,
        "library": library.title,
        "library_id": library.key,
    }


async def _async_run_task(call: ServiceCall) -> ServiceResponse:
    """Run a butler task and return whether it started and its activity."""
    coordinator = _coordinator(call)
    task = await async_find_task(coordinator, call.data[ATTR_TASK])
    status, activity_id = await async_run_task(coordinator, task)
    return {"status": status, "activity_id": activity_id}


async def _async_list_activities(call: ServiceCall) -> ServiceResponse:
    """List the running activities of one server, or of every server."""
    if ATTR_CONFIG_ENTRY_ID in call.data:
        entries = [_coordinator(call).config_entry]
    else:
        entries = call.hass.config_entries.async_loaded_entries(DOMAIN)
    registry = er.async_get(call.hass)
    activities: list[Any] = []
    for entry in entries:
        coordinator: PlexActivitiesCoordinator = entry.runtime_data
        machine_identifier = coordinator.server.machine_identifier
        activities.extend(
            {
                **activity_attributes(tracked, coordinator.libraries, context=False),
                "entity_id": activity_entity_id(registry, machine_identifier, uuid),
                ATTR_CONFIG_ENTRY_ID: entry.entry_id,
            }
            for uuid, tracked in coordinator.activities.items()
        )
    return {"activities": activities}


def _choose[T](
    items: Iterable[T], wanted: str, key: str, names: tuple[str, ...]
) -> T | None:
    """Return the item whose id is `wanted`, else the one named so (case aside)."""
    items = list(items)
    if found := [item for item in items if getattr(item, key) == wanted]:
        return found[0]
    folded = wanted.strip().casefold()
    return next(
        (
            item
            for item in items
            for name in names
            if str(getattr(item, name)).casefold() == folded
        ),
        None,
    )


async def async_find_library(
    coordinator: PlexActivitiesCoordinator, wanted: str
) -> LibrarySection:
    """Return the library with this section id or name; ask Plex if it is new."""
    library = _choose(coordinator.libraries.values(), wanted, "key", ("title",))
    sections = list(coordinator.libraries.values())
    if library is None:  # a library added since: ask, and say so if Plex cannot tell
        unavailable = translated(ServiceValidationError, "libraries_unavailable")
        with translated_errors(coordinator, unavailable):
            try:
                sections = await coordinator.client.library_sections()
            except (PlexAuthenticationError, PlexNotAllowedError) as err:
                # A token that may not list them: names only decorate, so no reauth.
                raise unavailable from err
        library = _choose(sections, wanted, "key", ("title",))
    if library is None:
        raise _unknown("unknown_library", wanted, (s.title for s in sections))
    return library


async def async_find_task(
    coordinator: PlexActivitiesCoordinator, wanted: str
) -> ButlerTask:
    """Return the butler task with this name (or title) from the server's own list."""
    unavailable = translated(ServiceValidationError, "butler_unavailable")
    with translated_errors(coordinator, unavailable):
        tasks = await coordinator.client.butler_tasks()
    if (task := _choose(tasks, wanted, "name", ("name", "title"))) is None:
        raise _unknown("unknown_task", wanted, (task.name for task in tasks))
    return task


def _unknown(key: str, wanted: str, known: Iterable[str]) -> ServiceValidationError:
    """Return the error for a name the server does not know, listing those it does."""
    return translated(
        ServiceValidationError, key, wanted=wanted, known=", ".join(known)
    )


def _normalized(path: str) -> str:
    """Return a path to compare folders by: `/` separators, no `..`, Windows' case."""
    windows = "\\" in path or path[1:2] == ":"
    path = posixpath.normpath(path.strip().replace("\\", "/"))
    return path.casefold() if windows else path


def check_path(library: LibrarySection, path: str) -> None:
    """Raise unless `path` lies within one of the library's folders (Plex requires it)."""
    if not library.locations:
        return  # Plex did not say; let it decide
    wanted = _normalized(path)
    for location in library.locations:
        folder = _normalized(location).rstrip("/")
        if wanted == folder or wanted.startswith(f"{folder}/"):
            return
    raise translated(
        ServiceValidationError,
        "path_outside_library",
        path=path,
        library=library.title,
        locations=", ".join(library.locations),
    )
