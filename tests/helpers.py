"""Small helpers for tests that drive the simulator and wait for Home Assistant."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from homeassistant.helpers import entity_registry as er

from custom_components.plex_activities.const import DOMAIN

from .const import MACHINE_IDENTIFIER

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.core import HomeAssistant

    from plex_simulator import PlexSimulator


def activity_entity_id(hass: HomeAssistant, uuid: str) -> str | None:
    """Return the entity id of an activity's sensor, if registered."""
    return er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{MACHINE_IDENTIFIER}_activity_{uuid}"
    )


async def settle(hass: HomeAssistant, simulator: PlexSimulator) -> None:
    """Let the simulator send what it queued and Home Assistant apply it."""
    await simulator.flush()
    for _ in range(3):
        await asyncio.sleep(0)
        await hass.async_block_till_done()


async def wait_for(
    hass: HomeAssistant, condition: Callable[[], bool], timeout: float = 10.0
) -> None:
    """Wait until `condition` holds, failing the test after `timeout` seconds."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)
            await hass.async_block_till_done()
