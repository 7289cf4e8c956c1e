"""Library names only decorate: activities show without them, names fill in later."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_FRIENDLY_NAME, STATE_UNAVAILABLE
from homeassistant.helpers import entity_registry as er
import pytest

from plex_simulator import Library, PathFault
from tests.helpers import (
    activity_entity_id,
    impatient_client,
    running_tasks,
    settle,
    wait_for,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from plex_simulator import PlexSimulator

SUMMARY = "sensor.plex_simulator_activities"
SECTIONS = "/library/sections"
# How long a slow server takes to list its libraries (less than the client's timeout).
SLOW = 1.5


def section_requests(simulator: PlexSimulator) -> int:
    """Return how many times the library sections were asked for."""
    return len([r for r in simulator.requests if r.path == SECTIONS])


async def after_connect_resync(hass: HomeAssistant, simulator: PlexSimulator) -> int:
    """Wait for the resync after the websocket connected; return the section requests.

    Setup asks for the sections with the first refresh, the resync after connecting
    once more.
    """
    await wait_for(hass, lambda: section_requests(simulator) >= 2)
    await hass.async_block_till_done()
    return section_requests(simulator)


@pytest.mark.parametrize(
    "fault",
    [
        PathFault(delay=1.0),  # longer than the client's timeout (0.2 s here)
        PathFault(status=500),
        PathFault(status=503),
        PathFault(status=401),
        PathFault(status=403),
    ],
    ids=["timeout", "500", "503", "401", "403"],
)
async def test_setup_without_library_names(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: PlexSimulator,
    caplog: pytest.LogCaptureFixture,
    fault: PathFault,
) -> None:
    """/library/sections fails: set up all the same, Plex's titles, names later."""
    simulator.route_faults.set(SECTIONS, fault)
    uuid = simulator.start_activity(
        title="Scanning", progress=20, context={"librarySectionID": "1"}
    )
    mock_config_entry.add_to_hass(hass)
    with impatient_client():
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    await simulator.wait_for_websockets(1)
    await settle(hass, simulator)
    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert not [f for f in hass.config_entries.flow.async_progress() if f]  # no reauth
    entity_id = activity_entity_id(hass, uuid)
    state = hass.states.get(entity_id)
    assert state.state == "20"
    assert state.attributes[ATTR_FRIENDLY_NAME] == "Plex Simulator Scanning"
    assert state.attributes["library"] is None
    assert state.attributes["library_id"] == "1"
    assert hass.states.get(SUMMARY).state == "1"
    ours = [r for r in caplog.records if r.name.startswith("custom_components")]
    assert not [r for r in ours if r.levelno > logging.DEBUG]
    assert any("Could not list the libraries" in r.getMessage() for r in ours)

    # It works again: the next resync fills the names in, on the same entities.
    simulator.route_faults.heal()
    coordinator = mock_config_entry.runtime_data
    coordinator.client.request_timeout = 10.0
    await coordinator.async_refresh()
    await wait_for(
        hass,
        lambda: (
            hass.states.get(entity_id).attributes[ATTR_FRIENDLY_NAME]
            == "Plex Simulator Scanning Movies"
        ),
    )
    state = hass.states.get(entity_id)
    assert state.attributes["library"] == "Movies"
    assert state.state == "20"
    assert activity_entity_id(hass, uuid) == entity_id
    registry_entry = er.async_get(hass).async_get(entity_id)
    assert registry_entry.translation_key == "library_scan"
    assert registry_entry.original_name == "Scanning Movies"
    [listed] = hass.states.get(SUMMARY).attributes["activities"]
    assert listed["library"] == "Movies"
    assert mock_config_entry.state is ConfigEntryState.LOADED


async def test_library_failure_at_run_time(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A library list failing at a resync keeps the names known and costs nothing."""
    uuid = simulator.start_activity(title="Scanning", context={"librarySectionID": "2"})
    await settle(hass, simulator)
    entity_id = activity_entity_id(hass, uuid)
    assert hass.states.get(entity_id).attributes["library"] == "TV Shows"
    caplog.clear()
    simulator.route_faults.set(SECTIONS, PathFault(status=503))
    coordinator = init_integration.runtime_data
    before = section_requests(simulator)
    await coordinator.async_refresh()
    await wait_for(hass, lambda: section_requests(simulator) > before)
    await hass.async_block_till_done()
    state = hass.states.get(entity_id)
    assert state.state != STATE_UNAVAILABLE
    assert state.attributes["library"] == "TV Shows"
    assert coordinator.last_update_success
    ours = [r for r in caplog.records if r.name.startswith("custom_components")]
    assert not [r for r in ours if r.levelno > logging.DEBUG]


async def test_new_library_named_once_seen(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """An activity on a library added after setup gets its name, asked for once."""
    coordinator = init_integration.runtime_data
    changes: list[set[str]] = []
    init_integration.async_on_unload(
        coordinator.async_add_library_listener(
            lambda: changes.append(set(coordinator.libraries))
        )
    )
    before = await after_connect_resync(hass, simulator)
    simulator.libraries = [
        *simulator.libraries,
        Library(key="9", title="Concerts", type="movie"),
    ]
    first = simulator.start_activity(
        title="Scanning", context={"librarySectionID": "9"}
    )
    second = simulator.start_activity(
        type="library.refresh.items",
        title="Refreshing",
        context={"librarySectionID": "9"},
    )
    await settle(hass, simulator)
    await wait_for(hass, lambda: bool(changes))
    await wait_for(
        hass,
        lambda: (
            hass.states.get(activity_entity_id(hass, first)).attributes[
                ATTR_FRIENDLY_NAME
            ]
            == "Plex Simulator Scanning Concerts"
        ),
    )
    assert hass.states.get(activity_entity_id(hass, second)).attributes["library"] == (
        "Concerts"
    )
    assert coordinator.libraries["9"].title == "Concerts"
    assert section_requests(simulator) == before + 1  # one request for both
    assert changes == [{"1", "2", "3", "4", "9"}]

    # A section Plex does not list asks once, not once per activity.
    for index in range(3):
        simulator.start_activity(
            title=f"Ghost {index}", context={"librarySectionID": "77"}
        )
    await settle(hass, simulator)
    await wait_for(hass, lambda: not running_tasks("libraries"))
    assert section_requests(simulator) == before + 2, [
        (r.path) for r in simulator.requests
    ]
    assert len(changes) == 1  # nothing changed: listeners not called


async def test_library_renamed_at_resync(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """Every resync refreshes the names; a renamed library renames its scans."""
    uuid = simulator.start_activity(title="Scanning", context={"librarySectionID": "1"})
    await settle(hass, simulator)
    entity_id = activity_entity_id(hass, uuid)
    simulator.libraries = [
        Library(key="1", title="Films", type="movie"),
        *simulator.libraries[1:],
    ]
    await init_integration.runtime_data.async_refresh()
    await wait_for(
        hass,
        lambda: (
            hass.states.get(entity_id).attributes[ATTR_FRIENDLY_NAME]
            == "Plex Simulator Scanning Films"
        ),
    )
    assert hass.states.get(entity_id).attributes["library"] == "Films"


async def test_unload_cancels_a_hanging_refresh(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Unloading while /library/sections hangs is quick and leaves no refresh running.

    One refresh waits for the slow server, another is queued after it: unloading
    waited for both (up to 10 s, then a warning) and left them running.
    """
    await after_connect_resync(hass, simulator)
    before = section_requests(simulator)
    simulator.route_faults.set(SECTIONS, PathFault(delay=SLOW))
    coordinator = init_integration.runtime_data
    coordinator.async_request_library_refresh()
    coordinator.async_request_library_refresh()  # runs when the first one ends
    # Not `wait_for`: its block_till_done would outwait a refresh run as a tracked task.
    async with asyncio.timeout(5):
        while section_requests(simulator) == before:  # noqa: ASYNC110 - nothing signals it
            await asyncio.sleep(0.01)
    assert running_tasks("libraries")
    async with asyncio.timeout(SLOW / 2):
        assert await hass.config_entries.async_unload(init_integration.entry_id)
    assert init_integration.state is ConfigEntryState.NOT_LOADED
    assert not running_tasks("libraries")
    # The server's slow answer ends (its handler would outlive the test); nothing asks
    # for the sections again.
    await asyncio.sleep(SLOW)
    assert section_requests(simulator) == before + 1
    assert "did not complete in time" not in caplog.text
