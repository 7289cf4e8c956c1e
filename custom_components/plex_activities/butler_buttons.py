"""A Run button for each of the server's butler (scheduled maintenance) tasks.

The tasks come from the server's own list (`GET /butler`), loaded in the background so
that they never hold up setup, and again (less and less often) until that works. The
list is loaded again after each reconnect (a server update, which brings or drops
tasks, restarts the server), so the buttons follow the server's tasks. Tasks Plex's
documentation lists have a translated name; others show Plex's own. Most buttons are
disabled by default: only the few a user is likely to want are not.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Final, override

from homeassistant.components.button import ButtonEntity
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er

from .activity_id import entity_unique_id
from .api import Backoff, PlexError
from .const import DOMAIN, LOGGER
from .entity import PlexActivitiesEntity
from .starting import translated, translated_errors

if TYPE_CHECKING:
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .api import ButlerTask
    from .coordinator import PlexActivitiesConfigEntry, PlexActivitiesCoordinator

BUTLER_KEY_PREFIX: Final = "butler_"

# The tasks Plex's API documentation lists, with their translation keys.
KNOWN_TASKS: Final = frozenset(
    {
        "BackupDatabase",
        "ButlerTaskGenerateAdMarkers",
        "ButlerTaskGenerateCreditsMarkers",
        "ButlerTaskGenerateIntroMarkers",
        "ButlerTaskGenerateVoiceActivity",
        "CleanOldBundles",
        "CleanOldCacheFiles",
        "DeepMediaAnalysis",
        "GarbageCollectBlobs",
        "GenerateBlurHashes",
        "GenerateChapterThumbs",
        "GenerateMediaIndexFiles",
        "LoudnessAnalysis",
        "MusicAnalysis",
        "OptimizeDatabase",
        "RefreshEpgGuides",
        "RefreshLibraries",
        "RefreshLocalMedia",
        "RefreshPeriodicMetadata",
        "UpgradeMediaAnalysis",
    }
)
ENABLED_BY_DEFAULT: Final = frozenset(
    {"BackupDatabase", "OptimizeDatabase", "RefreshLibraries"}
)
# Not routine work any user may start: installing a server update, and removing library
# media Plex considers unused (it deletes data; a drive that is offline makes media look
# unused).
NO_BUTTON: Final = frozenset({"AutomaticUpdates", "GarbageCollectLibraryMedia"})
# Listing the tasks is retried after about this long, twice as long each time (jittered,
# like reconnects), up to the max.
RETRY_SECONDS: Final = 30.0
MAX_RETRY_SECONDS: Final = 3600.0


@callback
def async_setup_butler_buttons(
    hass: HomeAssistant,
    entry: PlexActivitiesConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a button for each of the server's tasks, now and after each reconnect."""
    coordinator = entry.runtime_data
    shown: set[str] = set()
    loading = False

    async def load() -> None:
        nonlocal loading
        loading = True
        try:
            tasks = await _list_tasks(coordinator)
        finally:
            loading = False
        names = {task.name for task in tasks}
        _remove_stale_tasks(hass, entry, names)
        shown.intersection_update(names)
        async_add_entities(
            PlexButlerButton(coordinator, task)
            for task in tasks
            if task.name not in shown
        )
        shown.update(names)

    @callback
    def list_tasks() -> None:
        if not loading:  # a load retrying now lists the tasks as they are then
            entry.async_create_background_task(hass, load(), f"{DOMAIN} butler tasks")

    @callback
    def connected() -> None:
        # The first connection follows setup, which listed the tasks just now.
        if coordinator.listener.stats.connects > 1:
            list_tasks()

    list_tasks()
    entry.async_on_unload(coordinator.websocket.async_add_connected_listener(connected))


async def _list_tasks(coordinator: PlexActivitiesCoordinator) -> list[ButlerTask]:
    """Return the tasks that get a button, asking again until the server answers."""
    retry = Backoff(initial=RETRY_SECONDS, maximum=MAX_RETRY_SECONDS)
    while True:
        try:
            tasks = await coordinator.client.butler_tasks()
            break
        except PlexError as err:
            LOGGER.debug("Could not list the maintenance tasks: %s", err)
        await asyncio.sleep(retry.next_delay())
    return [task for task in tasks if task.name not in NO_BUTTON]


def _remove_stale_tasks(
    hass: HomeAssistant, entry: PlexActivitiesConfigEntry, names: set[str]
) -> None:
    """Remove the buttons of tasks the server no longer has."""
    registry = er.async_get(hass)
    prefix = entity_unique_id(
        entry.runtime_data.server.machine_identifier, BUTLER_KEY_PREFIX
    )
    for registry_entry in er.async_entries_for_config_entry(registry, entry.entry_id):
        unique_id = registry_entry.unique_id
        if unique_id.startswith(prefix) and unique_id.removeprefix(prefix) not in names:
            registry.async_remove(registry_entry.entity_id)


class PlexButlerButton(PlexActivitiesEntity, ButtonEntity):
    """Runs one of the server's maintenance tasks now."""

    def __init__(
        self, coordinator: PlexActivitiesCoordinator, task: ButlerTask
    ) -> None:
        """Create the button of one task."""
        super().__init__(coordinator, f"{BUTLER_KEY_PREFIX}{task.name}")
        self._task = task
        if task.name in KNOWN_TASKS:
            self._attr_translation_key = f"butler_{task.name.lower()}"
        else:
            self._attr_translation_key = "butler_task"
            self._attr_translation_placeholders = {"task": task.title}
        self._attr_entity_registry_enabled_default = task.name in ENABLED_BY_DEFAULT

    @override
    async def async_press(self) -> None:
        """Ask Plex to run the task (if it runs already, Plex lets it be)."""
        not_found = translated(
            ServiceValidationError, "task_not_found", task=self._task.name
        )
        with translated_errors(self.coordinator, not_found):
            await self.coordinator.client.run_butler_task(self._task.name)
