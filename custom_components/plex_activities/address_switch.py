"""A signed-in entry whose address stops answering asks plex.tv where the server is now.

A router change gives the server a new LAN address; plex.tv knows the new one. When an
entry set up by signing in cannot reach its server (at setup or while running), this
asks plex.tv for the server's current connections, probes them as the sign-in does, and
if another address answers as the same server, stores it and reloads the entry: no
reauth, one log line. At most one look-up per entry every five minutes. Entries set up
by hand have no account token and keep today's behaviour (rediscovery may still update
them, see `discovery_flow.py`).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Final

from homeassistant.const import CONF_TOKEN, CONF_URL
from homeassistant.core import HomeAssistant, callback
from homeassistant.util.hass_dict import HassKey

from .api import PlexError
from .const import CONF_ACCOUNT_TOKEN, CONF_CLIENT_IDENTIFIER, DOMAIN, LOGGER
from .plextv import async_connect, plextv_client

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry

MIN_GAP: Final = 300.0
_LAST_LOOKUP: HassKey[dict[str, float]] = HassKey(f"{DOMAIN}_address_lookups")


@callback
def async_check_address(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Look for the server's current address in the background, if signed in."""
    if CONF_ACCOUNT_TOKEN not in entry.data or entry.unique_id is None:
        return
    last = hass.data.setdefault(_LAST_LOOKUP, {})
    now = time.monotonic()
    if now - last.get(entry.entry_id, -MIN_GAP) < MIN_GAP:
        return
    last[entry.entry_id] = now
    # Not the entry's own task: a setup that failed would cancel it.
    hass.async_create_background_task(
        async_switch_address(hass, entry), f"{DOMAIN} address look-up"
    )


async def async_switch_address(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Switch the entry to an address plex.tv lists that answers; return whether."""
    client_identifier: str = entry.data[CONF_CLIENT_IDENTIFIER]
    old_url = entry.data[CONF_URL]
    try:
        servers = await plextv_client(hass, client_identifier).servers(
            entry.data[CONF_ACCOUNT_TOKEN]
        )
        resource = next(s for s in servers if s.machine_identifier == entry.unique_id)
        url, _ = await async_connect(
            hass, resource, entry.data[CONF_TOKEN], client_identifier
        )
    except PlexError, StopIteration:
        return False
    if (
        url == old_url
        or entry.data[CONF_URL] != old_url
        or hass.config_entries.async_get_entry(entry.entry_id) is not entry
    ):  # the same address, or it was changed (reconfigured) or removed meanwhile
        return False
    LOGGER.warning(
        "Plex server %s no longer answers at %s; plex.tv says it is at %s now,"
        " switching to it",
        entry.title,
        old_url,
        url,
    )
    hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_URL: url})
    hass.config_entries.async_schedule_reload(entry.entry_id)
    return True
