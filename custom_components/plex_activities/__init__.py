"""Plex Activities: a Plex Media Server's running activities, live in Home Assistant."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.const import CONF_TOKEN, CONF_URL, CONF_VERIFY_SSL, Platform
from homeassistant.exceptions import ConfigEntryError, ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.loader import async_get_integration
import voluptuous as vol

from .actions import async_setup_actions
from .address_switch import async_check_address
from .api import PlexClient
from .card import async_register_card
from .const import CONF_ACCOUNT_TOKEN, CONF_CLIENT_IDENTIFIER, DOMAIN
from .coordinator import PlexActivitiesConfigEntry, PlexActivitiesCoordinator
from .discovery import async_setup_discovery
from .services import async_setup_services

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.typing import ConfigType

PLATFORMS = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.EVENT,
    Platform.SENSOR,
]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)
# What the config flow stores; an entry edited by hand is checked against it.
_TEXT = vol.All(str, vol.Length(min=1))
ENTRY_DATA_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_URL): _TEXT,
        vol.Required(CONF_TOKEN): _TEXT,
        vol.Required(CONF_VERIFY_SSL): bool,
        vol.Required(CONF_CLIENT_IDENTIFIER): _TEXT,
        vol.Optional(CONF_ACCOUNT_TOKEN): _TEXT,
    },
    extra=vol.ALLOW_EXTRA,
)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the integration's actions and its dashboard card."""
    async_setup_services(hass)
    async_setup_actions(hass)
    await async_register_card(hass)
    async_setup_discovery(hass)
    return True


async def async_setup_entry(
    hass: HomeAssistant, entry: PlexActivitiesConfigEntry
) -> bool:
    """Connect to the Plex server, load its activities and start listening."""
    integration = await async_get_integration(hass, DOMAIN)
    try:
        ENTRY_DATA_SCHEMA(dict(entry.data))
        verify_ssl: bool = entry.data[CONF_VERIFY_SSL]
        client = PlexClient(
            async_get_clientsession(hass, verify_ssl=verify_ssl),
            entry.data[CONF_URL],
            entry.data[CONF_TOKEN],
            client_identifier=entry.data[CONF_CLIENT_IDENTIFIER],
            verify_ssl=verify_ssl,
            version=str(integration.version or "0"),
        )
    except vol.MultipleInvalid as err:  # names the fields, never their values
        raise _damaged_entry(*(str(error.path[0]) for error in err.errors)) from None
    except ValueError:  # an address that is no URL
        raise _damaged_entry(CONF_URL) from None
    coordinator = PlexActivitiesCoordinator(hass, entry, client)
    try:
        await coordinator.async_config_entry_first_refresh()
    except ConfigEntryNotReady:
        async_check_address(hass, entry)  # signed in: ask plex.tv where it is now
        raise
    entry.runtime_data = coordinator
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    coordinator.websocket.async_start()
    # Home Assistant 2026.10 and older require a bool here; 2026.11 ignores it.
    return True


async def async_unload_entry(
    hass: HomeAssistant, entry: PlexActivitiesConfigEntry
) -> bool:
    """Stop listening and remove the entities; background tasks end with the entry."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


def _damaged_entry(*fields: str) -> ConfigEntryError:
    """Return the error of an entry whose stored data is missing or wrong."""
    return ConfigEntryError(
        translation_domain=DOMAIN,
        translation_key="damaged_entry",
        translation_placeholders={"fields": ", ".join(sorted(set(fields)))},
    )
