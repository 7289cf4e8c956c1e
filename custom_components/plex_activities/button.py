"""Buttons: scan a library (refresh or analyze it too), run a maintenance task.

Any Home Assistant user can press a button, so buttons only start routine work that
destroys nothing: scans, metadata refreshes, analyses and the server's own scheduled
maintenance (except installing updates). Emptying a library's trash is no button.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Final, override

from homeassistant.components.button import ButtonEntity
from homeassistant.exceptions import ServiceValidationError

from .butler_buttons import async_setup_butler_buttons
from .library_entity import PlexLibraryEntity, async_setup_library_entities
from .starting import translated, translated_errors

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .api import LibrarySection, PlexClient
    from .coordinator import PlexActivitiesConfigEntry, PlexActivitiesCoordinator

PARALLEL_UPDATES = 1

# key -> (enabled by default, what pressing it asks of Plex)
LIBRARY_BUTTONS: Final[
    dict[str, tuple[bool, Callable[[PlexClient, str], Awaitable[object]]]]
] = {
    "scan": (True, lambda client, key: client.scan_section(key)),
    "refresh_metadata": (
        False,
        lambda client, key: client.scan_section(key, force=True),
    ),
    "analyze": (False, lambda client, key: client.analyze_section(key)),
}


async def async_setup_entry(
    hass: HomeAssistant,
    entry: PlexActivitiesConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the buttons of each library and of the server's maintenance tasks."""
    async_setup_library_entities(
        hass,
        entry,
        async_add_entities,
        *(partial(PlexLibraryButton, key=key) for key in LIBRARY_BUTTONS),
    )
    async_setup_butler_buttons(hass, entry, async_add_entities)


class PlexLibraryButton(PlexLibraryEntity, ButtonEntity):
    """Scans a library; or refreshes its metadata, or analyzes it (disabled by default)."""

    def __init__(
        self,
        coordinator: PlexActivitiesCoordinator,
        library: LibrarySection,
        key: str,
    ) -> None:
        """Create one of a library's buttons."""
        super().__init__(coordinator, library, key)
        self._attr_translation_key = key
        enabled, self._press = LIBRARY_BUTTONS[key]
        self._attr_entity_registry_enabled_default = enabled

    @override
    async def async_press(self) -> None:
        """Ask Plex to start the work."""
        library = self.library
        title = library.title if library is not None else self.section_id
        not_found = translated(
            ServiceValidationError, "library_not_found", library=title
        )
        with translated_errors(self.coordinator, not_found):
            await self._press(self.coordinator.client, self.section_id)
