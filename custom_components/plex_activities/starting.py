"""Starting work on Plex (a library scan, a butler task) and finding its activity.

Plex names the activity a request started in the `X-Plex-Activity` header of some
answers. Its documentation declares that header on none of the library and butler
endpoints, so when it is missing the activity is recognised instead: the first one of
the right kind that starts right after the request (for a scan: of that library, which
Plex may name only a second in), or the one already running, since Plex merges a scan
into a running scan of the same library.
"""

from __future__ import annotations

import asyncio
from contextlib import contextmanager
from typing import TYPE_CHECKING, Final, Self

from homeassistant.core import callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .api import (
    PlexAuthenticationError,
    PlexError,
    PlexNotAllowedError,
    PlexNotFoundError,
)
from .const import DOMAIN, LOGGER
from .tracker import Lifecycle, TrackedActivity

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from homeassistant.core import CALLBACK_TYPE

    from .api import Activity, ButlerTask, LibrarySection
    from .coordinator import PlexActivitiesCoordinator

SCAN_ACTIVITY_TYPE: Final = "library.update.section"
BUTLER_ACTIVITY_TYPE: Final = "butler"
# How long to look for the activity a request started when Plex does not name it.
ACTIVITY_WAIT_SECONDS: Final = 5.0

STATUS_STARTED: Final = "started"
STATUS_ALREADY_RUNNING: Final = "already_running"


def is_butler_activity(activity: Activity) -> bool:
    """Tell whether an activity is a butler (maintenance) task."""
    kind = activity.type
    return kind == BUTLER_ACTIVITY_TYPE or kind.startswith(f"{BUTLER_ACTIVITY_TYPE}.")


def translated[E: HomeAssistantError](
    kind: type[E], key: str, **placeholders: str
) -> E:
    """Return an error of `kind` with the translation `key` and its placeholders."""
    return kind(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders,
    )


@contextmanager
def translated_errors(
    coordinator: PlexActivitiesCoordinator, not_found: ServiceValidationError
) -> Iterator[None]:
    """Turn the client's errors into translated ones; `not_found` stands for a 404."""
    try:
        yield
    except PlexNotFoundError as err:
        raise not_found from err
    except PlexNotAllowedError as err:
        # The owner's work, asked of a server shared with this account: no reauth.
        raise translated(ServiceValidationError, "action_not_allowed") from err
    except PlexAuthenticationError as err:
        coordinator.config_entry.async_start_reauth(coordinator.hass)
        raise translated(HomeAssistantError, "action_auth_failed") from err
    except PlexError as err:
        raise translated(HomeAssistantError, "action_failed", error=str(err)) from err


class ActivityWatch:
    """Notes the activities that start from now on and finds the first that matches.

    Used as a context manager around the request, so that an activity whose `started`
    notification arrives before the HTTP answer is not missed. An activity that starts
    without saying what it works on is checked again as it is updated.
    """

    def __init__(
        self,
        coordinator: PlexActivitiesCoordinator,
        matches: Callable[[Activity], bool],
    ) -> None:
        """Watch `coordinator` for an activity that `matches`."""
        self._coordinator = coordinator
        self._matches = matches
        self._fresh: list[str] = []
        self._found: asyncio.Future[str] = coordinator.hass.loop.create_future()
        self._unsubscribe: list[CALLBACK_TYPE] = []

    def __enter__(self) -> Self:
        """Start watching."""
        coordinator = self._coordinator
        self._unsubscribe = [
            coordinator.async_add_lifecycle_listener(self._lifecycle),
            coordinator.async_add_any_update_listener(self._updated),
        ]
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Stop watching."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []

    @callback
    def _lifecycle(self, kind: Lifecycle, tracked: TrackedActivity) -> None:
        if kind is Lifecycle.STARTED:
            self._fresh.append(tracked.activity.uuid)
            self._check(tracked.activity)

    @callback
    def _updated(self) -> None:
        activities = self._coordinator.activities
        for uuid in self._fresh:
            if (tracked := activities.get(uuid)) is not None:
                self._check(tracked.activity)

    def _check(self, activity: Activity) -> None:
        if not self._found.done() and self._matches(activity):
            self._found.set_result(activity.uuid)

    async def async_wait(self) -> str | None:
        """Return the uuid of the first matching activity, None after a few seconds."""
        try:
            async with asyncio.timeout(ACTIVITY_WAIT_SECONDS):
                return await asyncio.shield(self._found)
        except TimeoutError:
            return None


def _running(
    coordinator: PlexActivitiesCoordinator, matches: Callable[[Activity], bool]
) -> str | None:
    return next(
        (
            uuid
            for uuid, tracked in coordinator.activities.items()
            if matches(tracked.activity)
        ),
        None,
    )


async def async_scan_library(
    coordinator: PlexActivitiesCoordinator,
    library: LibrarySection,
    *,
    path: str | None = None,
    force: bool = False,
) -> str | None:
    """Scan a library; return the uuid of its scan activity, None if none showed up."""

    def is_scan(activity: Activity) -> bool:
        return (
            activity.type == SCAN_ACTIVITY_TYPE
            and activity.library_section_id == library.key
        )

    running = _running(coordinator, is_scan)
    not_found = translated(
        ServiceValidationError, "library_not_found", library=library.title
    )
    with ActivityWatch(coordinator, is_scan) as watch:
        with translated_errors(coordinator, not_found):
            started = await coordinator.client.scan_section(
                library.key, path=path, force=force
            )
        if started.activity_id is not None:
            return started.activity_id
        if running is not None and running in coordinator.activities:
            return running  # Plex merged this scan into the running one
        if (found := await watch.async_wait()) is not None:
            return found
    # No notification named it (the websocket may be down): ask once more.
    try:
        activities = await coordinator.client.activities()
    except PlexError as err:
        LOGGER.debug("Could not look for the scan of %s: %s", library.title, err)
        return None
    return next((a.uuid for a in activities if is_scan(a)), None)


async def async_run_task(
    coordinator: PlexActivitiesCoordinator, task: ButlerTask
) -> tuple[str, str | None]:
    """Run a butler task; return whether it started or ran already, and its activity."""
    not_found = translated(ServiceValidationError, "task_not_found", task=task.name)
    with ActivityWatch(coordinator, is_butler_activity) as watch:
        with translated_errors(coordinator, not_found):
            started = await coordinator.client.run_butler_task(task.name)
        if started.already_running:
            activity_id = started.activity_id or _running(
                coordinator,
                lambda a: is_butler_activity(a) and a.title == task.title,
            )
            return STATUS_ALREADY_RUNNING, activity_id
        if started.activity_id is not None:
            return STATUS_STARTED, started.activity_id
        return STATUS_STARTED, await watch.async_wait()
