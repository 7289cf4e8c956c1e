"""Per-library entities (Scan buttons, Scanning, Last scan) and the butler task buttons."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest

from custom_components.plex_activities import butler_buttons, libraries
from custom_components.plex_activities.const import DOMAIN
from plex_simulator import Library, PathFault
from plex_simulator.butler import ButlerTask
from tests.const import MACHINE_IDENTIFIER
from tests.helpers import (
    activity_entity_id,
    config_entry_for,
    impatient_client,
    running_tasks,
    settle,
    setup_integration,
    wait_for,
)
from tests.test_libraries import section_requests

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from plex_simulator import PlexSimulator

SCAN_BUTTON = "button.plex_simulator_movies_scan"
SCANNING = "binary_sensor.plex_simulator_movies_scanning"
LAST_SCAN = "sensor.plex_simulator_movies_last_scan"


@pytest.fixture(autouse=True)
def _work_waits(simulator: PlexSimulator) -> None:
    """Started work runs until the test ends it."""
    simulator.work.duration = None


def state_of(hass: HomeAssistant, entity_id: str) -> str:
    """Return an entity's state, failing when it has none."""
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


async def press(hass: HomeAssistant, entity_id: str) -> None:
    """Press a button."""
    await hass.services.async_call(
        "button", "press", {"entity_id": entity_id}, blocking=True
    )


async def resync(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Resync with the server over REST, as after a reconnect, libraries included."""
    await entry.runtime_data.async_refresh()
    await wait_for(hass, lambda: not running_tasks("libraries"))


async def test_library_entities(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Each library is a device with its buttons, Scanning and Last scan."""
    registry = er.async_get(hass)
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, f"{MACHINE_IDENTIFIER}_library_1"), init_integration.entry_id
    )
    assert device is not None
    assert device.name == "Plex Simulator Movies"
    assert state_of(hass, SCAN_BUTTON) == "unknown"
    assert state_of(hass, SCANNING) == STATE_OFF  # its device class: test_binary_sensor
    assert state_of(hass, LAST_SCAN) == "2024-10-27T03:33:20+00:00"
    for entity_id in (SCAN_BUTTON, SCANNING, LAST_SCAN):
        entry = registry.async_get(entity_id)
        assert entry is not None
        assert entry.device_id == device.id
    for optional in ("refresh_metadata", "analyze_media"):
        entry = registry.async_get(f"button.plex_simulator_movies_{optional}")
        assert entry is not None
        assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION


async def test_scan_button(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """Pressing Scan starts a scan: an activity sensor, Scanning on, then Last scan."""
    await press(hass, SCAN_BUTTON)
    await settle(hass, simulator)
    [uuid] = simulator.activities
    assert activity_entity_id(hass, uuid) is not None
    assert state_of(hass, SCANNING) == STATE_ON
    simulator.work.finish(uuid)
    await settle(hass, simulator)
    assert state_of(hass, SCANNING) == STATE_OFF
    await wait_for(
        hass, lambda: state_of(hass, LAST_SCAN) != "2024-10-27T03:33:20+00:00"
    )


async def test_scanning_follows_late_context_and_refreshing(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """A scan naming its library late turns Scanning on; so does `refreshing`."""
    simulator.work.context_delay = 60  # the scan names its library only much later
    simulator.library_ops.scan(simulator.libraries[1])
    await setup_integration(hass, mock_config_entry, simulator)
    # Seeded from `refreshing`, though no activity names the library.
    assert state_of(hass, "binary_sensor.plex_simulator_tv_shows_scanning") == STATE_ON
    [uuid] = simulator.activities
    simulator.update_activity(uuid, context={"librarySectionID": "3"})
    await settle(hass, simulator)
    assert state_of(hass, "binary_sensor.plex_simulator_music_scanning") == STATE_ON
    simulator.end_activity(uuid)
    await settle(hass, simulator)
    assert state_of(hass, "binary_sensor.plex_simulator_music_scanning") == STATE_OFF


async def test_late_context_in_updates_of_one_frame(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """Two updates naming the library in one frame index the scan once.

    Both are applied in the same loop turn; the listener stays up and live.
    """
    uuid = simulator.start_activity(type="library.update.section", title="Scanning")
    await settle(hass, simulator)
    named = {**simulator.activities[uuid], "Context": {"librarySectionID": "3"}}
    simulator.send_notification(
        "activity",
        "ActivityNotification",
        [
            {"event": "updated", "uuid": uuid, "Activity": {**named, "progress": p}}
            for p in (10, 20)
        ],
    )
    await settle(hass, simulator)
    assert state_of(hass, "binary_sensor.plex_simulator_music_scanning") == STATE_ON
    listener = init_integration.runtime_data.listener
    assert listener.stats.connected
    simulator.end_activity(uuid)
    await settle(hass, simulator)
    assert state_of(hass, "binary_sensor.plex_simulator_music_scanning") == STATE_OFF


async def test_no_writes_for_progress(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """Progress frames of a scan write none of the library's entities."""
    uuid = simulator.start_activity(context={"librarySectionID": "1"})
    await settle(hass, simulator)
    writes: list[str] = []

    @callback
    def written(event: Event) -> None:
        if event.data["entity_id"] in (SCANNING, LAST_SCAN):
            writes.append(event.data["entity_id"])

    hass.bus.async_listen("state_changed", written)
    hass.bus.async_listen(
        "state_reported",
        written,
        event_filter=callback(lambda data: data["entity_id"] in (SCANNING, LAST_SCAN)),
    )
    for progress in range(1, 30):
        simulator.update_activity(uuid, progress=progress)
    await settle(hass, simulator)
    assert writes == []


async def test_libraries_follow_the_server(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A library added on the server gets entities; one removed loses its device.

    Through no API Home Assistant reports as deprecated (it logs a warning for those).
    """
    simulator.libraries = [
        *simulator.libraries[1:],
        Library(key="9", title="Concerts", type="movie"),
    ]
    await resync(hass, init_integration)
    assert state_of(hass, "binary_sensor.plex_simulator_concerts_scanning") == STATE_OFF
    assert hass.states.get(SCANNING) is None
    assert er.async_get(hass).async_get(SCAN_BUTTON) is None
    assert (
        dr.async_get(hass).async_get_device_by_identifier(
            (DOMAIN, f"{MACHINE_IDENTIFIER}_library_1"), init_integration.entry_id
        )
        is None
    )
    assert init_integration.state.value == "loaded"
    assert [
        r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING
    ] == []


async def test_stale_library_removed_at_setup(
    hass: HomeAssistant, simulator: PlexSimulator
) -> None:
    """A library gone while Home Assistant was stopped is removed at setup."""
    entry = config_entry_for(simulator)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_unload(entry.entry_id)
    simulator.libraries = simulator.libraries[1:]
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert er.async_get(hass).async_get(SCANNING) is None
    assert state_of(hass, "binary_sensor.plex_simulator_tv_shows_scanning") == STATE_OFF


def library_device(hass: HomeAssistant, entry: MockConfigEntry, key: str) -> bool:
    """Tell whether the library with section id `key` has its device."""
    return (
        dr.async_get(hass).async_get_device_by_identifier(
            (DOMAIN, f"{MACHINE_IDENTIFIER}_library_{key}"), entry.entry_id
        )
        is not None
    )


async def restart_unlisted(
    hass: HomeAssistant, simulator: PlexSimulator, fault: PathFault
) -> MockConfigEntry:
    """Set up with every library, rename Scanning, set up again: no list (`fault`)."""
    entry = config_entry_for(simulator)
    entry.add_to_hass(hass)
    with impatient_client():
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        er.async_get(hass).async_update_entity(SCANNING, name="Films scanning")
        assert await hass.config_entries.async_unload(entry.entry_id)
        simulator.route_faults.set("/library/sections", fault)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
    await simulator.wait_for_websockets(1)
    await settle(hass, simulator)
    entry.runtime_data.client.request_timeout = 10.0
    return entry


@pytest.mark.parametrize(
    "fault",
    [PathFault(delay=1.0), PathFault(status=500)],  # 1 s: longer than the 0.2 s timeout
    ids=["timeout", "500"],
)
async def test_libraries_kept_while_not_listed(
    hass: HomeAssistant, simulator: PlexSimulator, fault: PathFault
) -> None:
    """A server that cannot list its libraries at setup removes none of them.

    Their devices and entities (with the user's settings) stay, unavailable, until the
    server lists its libraries; then the same entities show again.
    """
    entry = await restart_unlisted(hass, simulator, fault)
    registry = er.async_get(hass)
    assert all(library_device(hass, entry, str(key)) for key in range(1, 5))
    for entity_id in (SCAN_BUTTON, SCANNING, LAST_SCAN):
        assert registry.async_get(entity_id) is not None, entity_id
        assert state_of(hass, entity_id) == STATE_UNAVAILABLE
    assert registry.async_get(SCANNING).name == "Films scanning"

    simulator.route_faults.heal()
    await resync(hass, entry)
    await wait_for(hass, lambda: state_of(hass, SCANNING) == STATE_OFF)
    assert state_of(hass, LAST_SCAN) == "2024-10-27T03:33:20+00:00"
    assert state_of(hass, SCAN_BUTTON) == "unknown"
    assert registry.async_get(SCANNING).name == "Films scanning"
    assert hass.states.get(SCANNING).attributes["friendly_name"] == "Films scanning"


async def test_library_list_asked_again_until_listed(
    hass: HomeAssistant, simulator: PlexSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unlisted, the library list is asked for again without any resync, until it comes.

    One retry at a time, less and less often; none once the list came.
    """
    monkeypatch.setattr(libraries, "RETRY_SECONDS", 0.05)
    entry = await restart_unlisted(hass, simulator, PathFault(status=503))
    most_waiting = 0  # retries waiting at once, seen while the list keeps failing

    def asked_four_times() -> bool:
        nonlocal most_waiting
        most_waiting = max(most_waiting, len(running_tasks("library list retry")))
        return section_requests(simulator) >= 4

    await wait_for(hass, asked_four_times)
    assert most_waiting == 1  # one at a time
    assert state_of(hass, SCANNING) == STATE_UNAVAILABLE

    simulator.route_faults.heal()
    await wait_for(hass, lambda: state_of(hass, SCANNING) == STATE_OFF, timeout=5)
    assert not running_tasks("library list retry")
    asked = section_requests(simulator)
    await asyncio.sleep(0.5)  # longer than the next retry would have waited
    assert section_requests(simulator) == asked
    assert entry.state.value == "loaded"


async def test_libraries_removed_once_listed(
    hass: HomeAssistant, simulator: PlexSimulator
) -> None:
    """Libraries gone while Home Assistant was stopped go when the list comes late.

    Even when the server then lists no library at all.
    """
    entry = await restart_unlisted(hass, simulator, PathFault(status=503))
    assert library_device(hass, entry, "1")
    simulator.route_faults.heal()
    simulator.libraries = []
    await resync(hass, entry)
    await wait_for(
        hass, lambda: not any(library_device(hass, entry, str(k)) for k in range(1, 5))
    )
    assert er.async_get(hass).async_get(SCANNING) is None
    assert entry.state.value == "loaded"


async def test_butler_buttons(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """Each task has a Run button; a few are enabled; pressing one runs the task."""
    registry = er.async_get(hass)
    await wait_for(
        hass, lambda: hass.states.get("button.plex_simulator_back_up_database")
    )
    cleanup = registry.async_get("button.plex_simulator_clean_old_bundles")
    assert cleanup is not None
    assert cleanup.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    await press(hass, "button.plex_simulator_back_up_database")
    request = simulator.requests[-1]
    assert (request.method, request.path) == ("POST", "/butler/BackupDatabase")
    [activity] = simulator.activities.values()
    assert activity["type"] == "butler"
    # Pressing again while it runs is fine (Plex answers 202).
    await press(hass, "button.plex_simulator_back_up_database")
    assert len(simulator.activities) == 1


class _Broken:
    """Task list that cannot be listed: the simulator answers `/butler` with a 500."""

    def __iter__(self) -> Iterator[ButlerTask]:
        raise RuntimeError("broken on purpose")


async def test_butler_tasks_from_the_server(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: PlexSimulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Unknown tasks show Plex's name; updates get no button; the list is retried."""
    monkeypatch.setattr(butler_buttons, "RETRY_SECONDS", 0.05)
    monkeypatch.setattr(simulator.butler, "tasks", _Broken())
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    registry = er.async_get(hass)

    def task_buttons() -> list[str]:
        return [
            e.unique_id
            for e in er.async_entries_for_config_entry(
                registry, mock_config_entry.entry_id
            )
            if e.domain == "button" and "_butler_" in e.unique_id
        ]

    assert task_buttons() == []
    simulator.butler.tasks = (
        ButlerTask("AutomaticUpdates", "Install updates"),
        ButlerTask("GarbageCollectLibraryMedia", "Garbage Collect Library Media"),
        ButlerTask("FutureTask", "Do Future Things"),
    )
    await wait_for(hass, task_buttons)
    assert task_buttons() == [f"{MACHINE_IDENTIFIER}_butler_FutureTask"]
    entity_id = registry.async_get_entity_id("button", DOMAIN, task_buttons()[0])
    assert entity_id == "button.plex_simulator_do_future_things"


async def test_button_errors(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """A vanished library is a clear error; a refusing server too."""
    simulator.libraries = simulator.libraries[1:]
    with pytest.raises(HomeAssistantError) as err:
        await press(hass, SCAN_BUTTON)
    assert err.value.translation_key == "library_not_found"
    simulator.rest_failure_status = 500
    with pytest.raises(HomeAssistantError) as err:
        await press(hass, "button.plex_simulator_music_scan")
    assert err.value.translation_key == "action_failed"
    simulator.rest_failure_status = None
    await resync(hass, init_integration)
    await wait_for(hass, lambda: hass.states.get(SCANNING) is None)
    assert state_of(hass, "button.plex_simulator_tv_shows_scan") != STATE_UNAVAILABLE


async def test_butler_buttons_follow_the_server(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """An updated server (it restarts) brings new tasks and drops old ones."""
    registry = er.async_get(hass)
    prefix = f"{MACHINE_IDENTIFIER}_butler_"

    def task_names() -> set[str]:
        return {
            e.unique_id.removeprefix(prefix)
            for e in er.async_entries_for_config_entry(
                registry, init_integration.entry_id
            )
            if e.unique_id.startswith(prefix)
        }

    await wait_for(hass, lambda: "BackupDatabase" in task_names())
    await settle(hass, simulator)
    await wait_for(hass, lambda: not running_tasks("butler tasks"))
    # Listed once at setup (the first connection follows it).
    listed = sum(r.path == "/butler" for r in simulator.requests)
    assert listed == 1
    # Progress frames and resyncs on the same connection list nothing again.
    simulator.start_activity(progress=5)
    await resync(hass, init_integration)
    await wait_for(hass, lambda: not running_tasks("butler tasks"))
    assert sum(r.path == "/butler" for r in simulator.requests) == listed

    simulator.butler.tasks = (
        *(t for t in simulator.butler.tasks if t.name != "CleanOldBundles"),
        ButlerTask("FutureTask", "Do Future Things"),
    )
    await simulator.restart()
    await wait_for(hass, lambda: "FutureTask" in task_names(), timeout=20)
    assert "CleanOldBundles" not in task_names()
    assert "BackupDatabase" in task_names()
    assert registry.async_get_entity_id("button", DOMAIN, f"{prefix}FutureTask") == (
        "button.plex_simulator_do_future_things"
    )
