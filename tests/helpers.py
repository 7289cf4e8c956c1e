"""Small helpers for tests that drive the simulator and wait for Home Assistant."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING
from unittest.mock import patch

from homeassistant.const import CONF_TOKEN, CONF_URL, CONF_VERIFY_SSL
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.plex_activities import activity_id
from custom_components.plex_activities.api import PlexClient
from custom_components.plex_activities.const import CONF_CLIENT_IDENTIFIER, DOMAIN

from .const import CLIENT_IDENTIFIER, FRIENDLY_NAME, MACHINE_IDENTIFIER, TOKEN

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from contextlib import AbstractContextManager

    from homeassistant.config_entries import ConfigFlowResult
    from homeassistant.core import HomeAssistant

    from plex_simulator import PlexSimulator

type SnapshotEntities = Callable[[], Awaitable[None]]
"""The `snapshot_entities` fixture: checks the entities of one platform."""


def config_entry_for(
    simulator: PlexSimulator, *, verify_ssl: bool = True, token: str = TOKEN
) -> MockConfigEntry:
    """Return a config entry for the simulator, as the config flow would create it."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=FRIENDLY_NAME,
        unique_id=MACHINE_IDENTIFIER,
        data={
            CONF_URL: simulator.url,
            CONF_TOKEN: token,
            CONF_VERIFY_SSL: verify_ssl,
            CONF_CLIENT_IDENTIFIER: CLIENT_IDENTIFIER,
        },
    )


async def setup_integration(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """Set up a config entry against the simulator, with its websocket connected."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await simulator.wait_for_websockets(1)


AFTER_RESTART = "after-restart"


async def restart_with_other_activities(simulator: PlexSimulator) -> None:
    """Start the stopped simulator again with other activities, as after a real restart.

    Only `AFTER_RESTART`, a butler task at 7 %, runs then.
    """
    simulator.set_activities_silently(
        [{"uuid": AFTER_RESTART, "type": "butler", "title": "Optimize", "progress": 7}]
    )
    await simulator.start()


async def reauthenticate(hass: HomeAssistant, flow_id: str, token: str) -> None:
    """Finish the re-authentication flow `flow_id` with `token`, and let it reload."""
    await hass.config_entries.flow.async_configure(
        flow_id, {"next_step_id": "reauth_confirm"}
    )
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_TOKEN: token}
    )
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()


def assert_aborted(result: ConfigFlowResult, reason: str) -> None:
    """Assert that a config flow ended with `reason`."""
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == reason


def activity_entity_id(hass: HomeAssistant, uuid: str) -> str | None:
    """Return the entity id of an activity's sensor, if registered."""
    return activity_id.activity_entity_id(er.async_get(hass), MACHINE_IDENTIFIER, uuid)


def registered_uuids(hass: HomeAssistant, entry: MockConfigEntry) -> list[str]:
    """Return the uuids of every activity sensor in the registry (with repeats)."""
    return [
        uuid
        for e in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        if (uuid := activity_id.uuid_from_unique_id(MACHINE_IDENTIFIER, e.unique_id))
        is not None
    ]


def activity_sensor_ids(hass: HomeAssistant) -> set[str]:
    """Return the sensors of the state machine that are not the server's own.

    Leaves out those registered as something else than an activity (the Activities
    sensor, the libraries' Last scan); keeps an unregistered sensor, which can only be a
    stray activity sensor.
    """
    registry = er.async_get(hass)
    return {
        state.entity_id
        for state in hass.states.async_all("sensor")
        if (entry := registry.async_get(state.entity_id)) is None
        or activity_id.uuid_from_unique_id(MACHINE_IDENTIFIER, entry.unique_id)
        is not None
    }


def without_library_entities(entries: list[er.RegistryEntry]) -> list[str]:
    """Return the entity ids of registry entries, leaving out libraries' and tasks'."""
    return sorted(
        e.entity_id
        for e in entries
        if "_library_" not in e.unique_id and "_butler_" not in e.unique_id
    )


def frames_applied(hass: HomeAssistant, simulator: PlexSimulator) -> bool:
    """Return whether the listener has read every frame written to its socket."""
    entries = hass.config_entries.async_loaded_entries(DOMAIN)
    connections = simulator.notification_hub.connections
    if not entries or not connections:
        return True
    stats = entries[0].runtime_data.listener.stats
    sent = sum(connection.frames_sent for connection in connections)
    return stats.connected and stats.frames_since_connect >= sent


async def settle(hass: HomeAssistant, simulator: PlexSimulator) -> None:
    """Wait until Home Assistant has applied everything the simulator sent."""
    await simulator.flush()
    await wait_for(hass, lambda: frames_applied(hass, simulator))
    await hass.async_block_till_done()


async def wait_for(
    hass: HomeAssistant, condition: Callable[[], bool], timeout: float = 10.0
) -> None:
    """Wait until `condition` holds, failing the test after `timeout` seconds."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)
            await hass.async_block_till_done()


def running_tasks(name: str = "") -> list[asyncio.Task[object]]:
    """Return the integration's tasks that still run (only those named `name` if given).

    Background tasks (the library and butler task lists, the websocket) are not
    waited for by `async_block_till_done`.
    """
    prefix = f"{DOMAIN} {name}" if name else DOMAIN
    return [
        task
        for task in asyncio.all_tasks()
        if task.get_name().startswith(prefix) and not task.done()
    ]


def impatient_client(request_timeout: float = 0.2) -> AbstractContextManager[object]:
    """Patch the client entries set up with to give up after `request_timeout` seconds.

    For a slow server (the simulator's latency, a slow path) that should time out.
    """
    return patch(
        "custom_components.plex_activities.PlexClient",
        partial(PlexClient, request_timeout=request_timeout),
    )
