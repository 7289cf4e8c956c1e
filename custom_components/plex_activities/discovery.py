"""Finding Plex servers with GDM: when the user opens the flow, and now and then.

Each server that answers gets a discovery flow (`discovery_flow.py`), which ends at once
for a server that is already configured (after giving a manual entry its new address).
A scan is one datagram and one second of listening on a non-blocking socket: cheap, and
it never blocks the event loop. A scan on opening the flow is skipped when one ran
within the last minute.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Final

from homeassistant.config_entries import SOURCE_INTEGRATION_DISCOVERY
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import callback
from homeassistant.helpers import discovery_flow
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from .api import gdm
from .const import DOMAIN, LOGGER
from .endpoints import plex_endpoints

if TYPE_CHECKING:
    from datetime import datetime

    from homeassistant.core import Event, HomeAssistant

SCAN_INTERVAL: Final = timedelta(minutes=15)
MIN_SCAN_GAP: Final = 60.0
_LAST_SCAN: HassKey[float] = HassKey(f"{DOMAIN}_gdm_last_scan")


@callback
def async_scan_soon(hass: HomeAssistant) -> None:
    """Start a GDM scan in the background, unless one ran within the last minute."""
    if plex_endpoints().gdm_target is None:
        return
    now = dt_util.utcnow().timestamp()
    if now - hass.data.get(_LAST_SCAN, -MIN_SCAN_GAP) < MIN_SCAN_GAP:
        return
    hass.data[_LAST_SCAN] = now
    hass.async_create_background_task(async_scan(hass), f"{DOMAIN} GDM scan")


async def async_scan(hass: HomeAssistant) -> None:
    """Search the network once and start a discovery flow for each server found."""
    target = plex_endpoints().gdm_target
    if target is None:
        return
    try:
        servers = await gdm.scan(target)
    except OSError as err:
        LOGGER.debug("GDM search failed: %s", err)
        return
    for server in servers:
        discovery_flow.async_create_flow(
            hass,
            DOMAIN,
            context={"source": SOURCE_INTEGRATION_DISCOVERY},
            data={
                "machine_identifier": server.machine_identifier,
                "name": server.name,
                "url": server.url,
            },
        )


@callback
def async_setup_discovery(hass: HomeAssistant) -> None:
    """Scan now and then while Home Assistant runs."""

    @callback
    def scan(now: datetime) -> None:
        if plex_endpoints().gdm_target is not None:
            hass.async_create_background_task(async_scan(hass), f"{DOMAIN} GDM scan")

    cancel = async_track_time_interval(hass, scan, SCAN_INTERVAL)

    @callback
    def stop(event: Event) -> None:
        cancel()

    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, stop)
    async_scan_soon(hass)
