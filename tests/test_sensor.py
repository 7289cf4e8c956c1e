"""Activity sensors and the summary sensor, driven by the simulator's notifications."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import TYPE_CHECKING

from homeassistant.const import EVENT_STATE_CHANGED, STATE_UNKNOWN, Platform
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    async_fire_time_changed,
)

from custom_components.plex_activities import sensor as sensor_module
from custom_components.plex_activities.activity_id import activity_unique_id
from custom_components.plex_activities.const import DOMAIN
from tests.const import MACHINE_IDENTIFIER
from tests.helpers import (
    activity_entity_id,
    activity_sensor_ids,
    registered_uuids,
    settle,
    wait_for,
    without_library_entities,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from freezegun.api import FrozenDateTimeFactory
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from plex_simulator import PlexSimulator
    from plex_simulator.state import NewActivity
    from tests.helpers import SnapshotEntities

SUMMARY = "sensor.plex_simulator_activities"
EVENT = "event.plex_simulator_activity"
NAMES_BY_TYPE: list[tuple[NewActivity, str]] = [
    (
        {"type": "library.refresh.items", "title": "Refreshing"},
        "Plex Simulator Refreshing metadata",
    ),
    (
        {"type": "provider.epg.load", "title": "Refreshing EPG"},
        "Plex Simulator Loading the TV guide",
    ),
    (
        {"type": "media.generate.credits", "title": "Detecting credits"},
        "Plex Simulator Analyzing media",
    ),
    (
        {"type": "butler", "title": "Optimize database"},
        "Plex Simulator Maintenance: Optimize database",
    ),
    (
        {"type": "some.future.type", "title": "Doing something new"},
        "Plex Simulator Doing something new",
    ),
    (
        {
            "type": "library.update.section",
            "title": "Scanning",
            "context": {"librarySectionID": "99"},
        },
        "Plex Simulator Scanning",
    ),
]
SCANNING_MOVIES: NewActivity = {
    "uuid": "00000000-0000-4000-8000-000000000001",
    "title": "Scanning Movies",
    "subtitle": "Alien (1979)",
    "progress": 0,
    "cancellable": True,
    "context": {"librarySectionID": "1"},
}


@pytest.mark.parametrize("platforms", [[Platform.SENSOR]], ids=["sensor"])
async def test_entities(
    hass: HomeAssistant,
    simulator: PlexSimulator,
    snapshot_entities: SnapshotEntities,
    frozen_clock: FrozenDateTimeFactory,
) -> None:
    """The Activities sensor, two activity sensors and the libraries' Last scan."""
    simulator.start_activity(**SCANNING_MOVIES)
    simulator.start_activity(
        uuid="00000000-0000-4000-8000-000000000002",
        type="butler",
        title="Optimize database",
        progress=-1,
    )
    await settle(hass, simulator)
    # The Activities list names the sensors with its next (coalesced) write.
    frozen_clock.tick(timedelta(seconds=2))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    await snapshot_entities()


async def test_push_add_update_remove(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """An activity appears, updates and disappears without trace, all by push.

    Its attributes when it appears are in the snapshot of `test_entities`.
    """
    uuid = simulator.start_activity(**SCANNING_MOVIES)
    await settle(hass, simulator)
    entity_id = activity_entity_id(hass, uuid)
    assert entity_id == "sensor.plex_simulator_scanning_movies"
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.state == "0"

    simulator.update_activity(uuid, progress=42, subtitle="Aliens (1986)")
    await settle(hass, simulator)
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.state == "42"
    assert state.attributes["subtitle"] == "Aliens (1986)"

    simulator.update_activity(uuid, progress=-1)
    await settle(hass, simulator)
    assert hass.states.get(entity_id).state == STATE_UNKNOWN

    simulator.end_activity(uuid)
    await settle(hass, simulator)
    assert hass.states.get(entity_id) is None
    assert activity_entity_id(hass, uuid) is None


async def test_names_by_type(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """Known types get translated names; unknown types use Plex's own title."""
    cases = {simulator.start_activity(**fields): name for fields, name in NAMES_BY_TYPE}
    await settle(hass, simulator)
    for uuid, name in cases.items():
        entity_id = activity_entity_id(hass, uuid)
        assert entity_id is not None
        assert hass.states.get(entity_id).name == name


@pytest.fixture
async def two_scans(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> tuple[str, str]:
    """Start two scans at 10 % and wait until Home Assistant shows them; their uuids."""
    movies = simulator.start_activity(title="Scanning Movies", progress=10)
    music = simulator.start_activity(title="Scanning Music", progress=10)
    await settle(hass, simulator)
    return movies, music


async def test_writes_only_what_changed(
    hass: HomeAssistant, simulator: PlexSimulator, two_scans: tuple[str, str]
) -> None:
    """One update writes one entity; a frame that changes nothing writes nothing."""
    first, second = two_scans
    written: list[str] = []

    @callback
    def record(event: Event) -> None:
        written.append(event.data["entity_id"])

    unsub = hass.bus.async_listen("state_changed", record)
    simulator.update_activity(first, progress=11)
    await settle(hass, simulator)
    assert written == [activity_entity_id(hass, first)]

    written.clear()
    simulator.update_activity(first, progress=11)  # the same state again
    simulator.update_activity(second, progress=10)
    # Frames arrive in order: once this one is applied, the two above were too.
    marker = simulator.start_activity(title="Marker")
    await settle(hass, simulator)
    activity_writes = [w for w in written if w.startswith("sensor.") and w != SUMMARY]
    assert activity_writes == [activity_entity_id(hass, marker)]
    unsub()


async def test_summary_sensor(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """The summary counts activities at once; progress reaches it coalesced."""
    assert hass.states.get(SUMMARY).state == "0"
    uuid = simulator.start_activity(
        title="Scanning Movies", progress=5, cancellable=True
    )
    await settle(hass, simulator)
    state = hass.states.get(SUMMARY)
    assert state.state == "1"
    [listed] = state.attributes["activities"]
    # The other keys of a listed activity are in `test_entities`' snapshot.
    assert listed["uuid"] == uuid
    assert listed["progress"] == 5

    written: list[str] = []
    unsub = hass.bus.async_listen(
        "state_changed",
        callback(lambda event: written.append(event.data["entity_id"])),
    )
    for progress in (10, 20, 70):
        simulator.update_activity(uuid, progress=progress)
    await settle(hass, simulator)
    assert written.count(SUMMARY) == 0
    assert hass.states.get(SUMMARY).attributes["activities"][0]["progress"] == 5
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=2))
    await hass.async_block_till_done()
    assert written.count(SUMMARY) == 1
    [listed] = hass.states.get(SUMMARY).attributes["activities"]
    assert listed["progress"] == 70
    assert listed["entity_id"] == activity_entity_id(hass, uuid)
    unsub()

    simulator.end_activity(uuid)
    await settle(hass, simulator)
    assert hass.states.get(SUMMARY).state == "0"
    assert hass.states.get(SUMMARY).attributes["activities"] == []


async def test_summary_lists_the_entity_id_of_a_sensor_added_later(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """A sensor registered after the summary was written gets listed with its entity id.

    Found by the chaos soak (tests/soak): an activity that started and then never
    changed stayed listed with `entity_id: None`.
    """
    simulator.set_activities_silently(
        [
            {"uuid": f"resynced-{n}", "title": f"Task {n}", "type": "butler"}
            for n in range(3)
        ]
    )
    await init_integration.runtime_data.async_refresh()
    await hass.async_block_till_done()
    # Listed at once; entity ids join with the next coalesced write.
    assert hass.states.get(SUMMARY).state == "3"
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=2))
    await hass.async_block_till_done()
    listed = hass.states.get(SUMMARY).attributes["activities"]
    assert [item["entity_id"] for item in listed] == [
        activity_entity_id(hass, f"resynced-{n}") for n in range(3)
    ]


async def test_resync_after_reconnect(
    hass: HomeAssistant, simulator: PlexSimulator, two_scans: tuple[str, str]
) -> None:
    """Events lost while disconnected are recovered by the resync on reconnect."""
    ending, staying = two_scans
    assert activity_entity_id(hass, ending) is not None

    await simulator.drop_websockets()
    simulator.clear_requests()
    simulator.set_activities_silently(
        [
            {**simulator.activities[staying], "progress": 55},
            {
                "uuid": "new-activity-uuid",
                "type": "media.generate.credits",
                "title": "Detecting credits",
                "subtitle": "",
                "progress": 3,
                "cancellable": False,
                "userID": 1,
            },
        ]
    )
    await simulator.wait_for_websockets(1)
    await wait_for(
        hass, lambda: activity_entity_id(hass, "new-activity-uuid") is not None
    )
    await hass.async_block_till_done()
    assert activity_entity_id(hass, ending) is None
    assert hass.states.get(activity_entity_id(hass, staying)).state == "55"
    assert hass.states.get(SUMMARY).state == "2"
    # A clean close costs one REST resync, after reconnecting, and the library names
    # and the maintenance tasks are listed again with it.
    await wait_for(hass, lambda: any(r.path == "/butler" for r in simulator.requests))
    assert sorted(r.path for r in simulator.requests if not r.websocket) == [
        "/activities",
        "/butler",
        "/library/sections",
    ]


async def set_up_after_restart(
    hass: HomeAssistant, entry: MockConfigEntry, registered: list[str]
) -> None:
    """Set up the entry with the registry entries of these activities left from before."""
    register_from_before(hass, entry, registered)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


def register_from_before(
    hass: HomeAssistant, entry: MockConfigEntry, registered: list[str]
) -> None:
    """Leave registry entries of these activities, as from before a restart."""
    for uuid in registered:
        er.async_get(hass).async_get_or_create(
            "sensor",
            DOMAIN,
            activity_unique_id(MACHINE_IDENTIFIER, uuid),
            config_entry=entry,
        )


async def test_stale_registry_entries_removed_at_setup(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: PlexSimulator,
    entity_registry: er.EntityRegistry,
) -> None:
    """Activities that ended while Home Assistant was down leave no registry entry."""
    mock_config_entry.add_to_hass(hass)
    running = simulator.start_activity(title="Scanning Movies")
    await set_up_after_restart(hass, mock_config_entry, ["gone-1", "gone-2", running])
    assert activity_entity_id(hass, "gone-1") is None
    assert activity_entity_id(hass, "gone-2") is None
    assert not [key for key in entity_registry.deleted_entities if key[1] == DOMAIN]
    assert activity_entity_id(hass, running) is not None
    assert hass.states.get(activity_entity_id(hass, running)) is not None


async def test_thousand_lifecycles_leave_no_trace(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
    entity_registry: er.EntityRegistry,
) -> None:
    """1,000 activities started, updated and ended leave no entity or state behind."""
    for batch in range(10):
        uuids = [
            simulator.start_activity(title=f"Scanning {batch}-{i}", progress=0)
            for i in range(100)
        ]
        for uuid in uuids:
            simulator.update_activity(uuid, progress=50)
        for uuid in uuids:
            simulator.end_activity(uuid)
        await settle(hass, simulator)
    entries = er.async_entries_for_config_entry(
        entity_registry, init_integration.entry_id
    )
    assert without_library_entities(entries) == [
        "event.plex_simulator_activity",
        SUMMARY,
    ]
    assert activity_sensor_ids(hass) == set()
    assert init_integration.runtime_data.activities == {}
    # Not even the registry's tombstones of removed entities remain.
    assert not [key for key in entity_registry.deleted_entities if key[1] == DOMAIN]


@callback
def disable_device(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Disable the server's device, as the user can (its entities go with it)."""
    registry = dr.async_get(hass)
    device = registry.async_get_device_by_identifier(
        (DOMAIN, MACHINE_IDENTIFIER), entry.entry_id
    )
    assert device is not None
    registry.async_update_device(device.id, disabled_by=dr.DeviceEntryDisabler.USER)


async def end_leaving_no_trace(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: PlexSimulator,
    uuids: list[str],
) -> None:
    """End the activities; check that no registry entry, not even a deleted one, is left."""
    for uuid in uuids:
        simulator.end_activity(uuid)
    await settle(hass, simulator)
    assert registered_uuids(hass, entry) == []
    deleted = er.async_get(hass).deleted_entities
    assert not [key for key in deleted if key[1] == DOMAIN]


@pytest.mark.parametrize("disabler", ["new entities", "device"])
async def test_disabled_sensors_leave_no_trace(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
    entity_registry: er.EntityRegistry,
    disabler: str,
) -> None:
    """A sensor registered disabled is never added; its entry goes with its activity.

    With "Enable newly added entities" off, or the server's device disabled, Home
    Assistant registers each new sensor disabled and leaves it out of the platform.
    """
    if disabler == "device":
        disable_device(hass, init_integration)
    else:
        hass.config_entries.async_update_entry(
            init_integration, pref_disable_new_entities=True
        )
    await hass.async_block_till_done()
    uuids = [simulator.start_activity(title=f"Scanning {n}") for n in range(3)]
    await settle(hass, simulator)
    for uuid in uuids:
        entity_id = activity_entity_id(hass, uuid)
        assert entity_id is not None
        assert entity_registry.async_get(entity_id).disabled
        assert hass.states.get(entity_id) is None

    await end_leaving_no_trace(hass, init_integration, simulator, uuids)


@pytest.mark.parametrize("disabler", ["user", "user, then renamed", "device"])
async def test_sensor_disabled_while_running_leaves_no_trace(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
    entity_registry: er.EntityRegistry,
    disabler: str,
) -> None:
    """A sensor disabled while its activity runs leaves no entry once the activity ends.

    Home Assistant removes a disabled entity from the state machine and keeps its entry,
    which the user may still rename.
    """
    uuid = simulator.start_activity(title="Scanning Movies")
    await settle(hass, simulator)
    entity_id = activity_entity_id(hass, uuid)
    assert hass.states.get(entity_id) is not None
    if disabler == "device":
        disable_device(hass, init_integration)
    else:
        entity_registry.async_update_entity(
            entity_id, disabled_by=er.RegistryEntryDisabler.USER
        )
    await hass.async_block_till_done()
    assert entity_registry.async_get(entity_id).disabled
    assert hass.states.get(entity_id) is None
    if disabler == "user, then renamed":
        entity_id = entity_registry.async_update_entity(
            entity_id, new_entity_id="sensor.renamed_scan"
        ).entity_id
        await hass.async_block_till_done()

    await end_leaving_no_trace(hass, init_integration, simulator, [uuid])
    assert hass.states.get(entity_id) is None


async def test_stale_snapshot_never_overrides_a_push(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """A REST snapshot taken before a push neither revives nor ends what it pushed."""
    coordinator = init_integration.runtime_data
    ending = simulator.start_activity(title="Scanning Movies", progress=10)
    updating = simulator.start_activity(title="Scanning Music", progress=10)
    await settle(hass, simulator)
    # A poll fetches its snapshot...
    fetched_at = coordinator.tracker.snapshot_stamp()
    snapshot = await coordinator.client.activities()
    # ...while pushes end one activity, update another and start a third...
    simulator.end_activity(ending)
    simulator.update_activity(updating, progress=60)
    started = simulator.start_activity(title="Scanning Photos")
    await settle(hass, simulator)
    # ...and applies the snapshot only afterwards.
    await coordinator.tracker.async_apply_snapshot(snapshot, fetched_at)
    await hass.async_block_till_done()
    assert activity_entity_id(hass, ending) is None
    assert hass.states.get(activity_entity_id(hass, updating)).state == "60"
    assert activity_entity_id(hass, started) is not None
    assert set(coordinator.activities) == {updating, started}
    # A snapshot taken after the pushes applies normally (and settles them).
    await coordinator.async_refresh()
    assert set(coordinator.activities) == {updating, started}
    assert not coordinator.tracker._pushed  # every push settled


async def test_older_resync_applied_last_never_revives(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """Of two overlapping resyncs, the one requested first and answered last changes nothing.

    Found by the chaos soak: the older answer brought back an activity the newer one
    had ended, so automations saw `started` and `ended` twice.
    """
    coordinator = init_integration.runtime_data
    uuid = simulator.start_activity(title="Scanning Movies", progress=10)
    await settle(hass, simulator)
    fired: list[tuple[str, str]] = []

    def record(event: Event[EventStateChangedData]) -> None:
        new = event.data["new_state"]
        if new is not None and new.entity_id == EVENT and "uuid" in new.attributes:
            fired.append((new.attributes["event_type"], new.attributes["uuid"]))

    unsubscribe = hass.bus.async_listen(EVENT_STATE_CHANGED, record)
    # A poll requests its snapshot while the activity still runs...
    fetched_at = coordinator.tracker.snapshot_stamp()
    snapshot = await coordinator.client.activities()
    # ...it ends unnoticed (no notification) and a later resync is applied first...
    simulator.set_activities_silently([])
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert activity_entity_id(hass, uuid) is None
    # ...then the poll's older answer arrives.
    await coordinator.tracker.async_apply_snapshot(snapshot, fetched_at)
    await hass.async_block_till_done()
    unsubscribe()
    assert coordinator.activities == {}
    assert activity_entity_id(hass, uuid) is None
    assert hass.states.get(SUMMARY).state == "0"
    assert fired == [("ended", uuid)]


def listed_uuids(hass: HomeAssistant) -> list[str]:
    """Return the uuids the summary sensor lists, in order."""
    return [a["uuid"] for a in hass.states.get(SUMMARY).attributes["activities"]]


async def test_sensors_capped_oldest_first(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: PlexSimulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past the cap, activities wait for a sensor; the oldest waiting gets a freed one."""
    monkeypatch.setattr(sensor_module, "MAX_ACTIVITY_SENSORS", 3)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await simulator.wait_for_websockets(1)
    uuids = [simulator.start_activity(title=f"Scan {i}") for i in range(5)]
    await settle(hass, simulator)

    def with_sensor() -> list[str]:
        return [uuid for uuid in uuids if activity_entity_id(hass, uuid) is not None]

    assert with_sensor() == uuids[:3]
    assert len(activity_sensor_ids(hass)) == 3
    assert hass.states.get(SUMMARY).state == "5"
    assert listed_uuids(hass) == uuids[:3]

    # A waiting activity ends: no sensor changes, the count does.
    simulator.end_activity(uuids[3])
    await settle(hass, simulator)
    assert with_sensor() == uuids[:3]
    assert hass.states.get(SUMMARY).state == "4"

    # One with a sensor ends: its sensor goes, the oldest waiting activity gets one.
    simulator.update_activity(uuids[4], progress=42)
    simulator.end_activity(uuids[1])
    await settle(hass, simulator)
    expected = [uuids[0], uuids[2], uuids[4]]
    assert with_sensor() == expected
    assert hass.states.get(activity_entity_id(hass, uuids[4])).state == "42"
    assert listed_uuids(hass) == expected
    assert len(activity_sensor_ids(hass)) == 3

    # Every activity still counts and can be cancelled, with a sensor or not.
    simulator.start_activity(uuid="late", title="Late", cancellable=True)
    await settle(hass, simulator)
    assert activity_entity_id(hass, "late") is None
    await hass.services.async_call(
        DOMAIN,
        "cancel",
        {"config_entry_id": mock_config_entry.entry_id, "activity_id": "late"},
        blocking=True,
    )
    assert "late" not in simulator.activities
    assert hass.states.get(SUMMARY).state == "3"


async def test_waiting_activities_have_no_registry_entry_after_restart(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: PlexSimulator,
    entity_registry: er.EntityRegistry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Entries of running activities past the cap go at setup, and come back later."""
    monkeypatch.setattr(sensor_module, "MAX_ACTIVITY_SENSORS", 1)
    mock_config_entry.add_to_hass(hass)
    first = simulator.start_activity(title="First")
    second = simulator.start_activity(title="Second")
    await set_up_after_restart(hass, mock_config_entry, [first, second])
    await simulator.wait_for_websockets(1)
    assert activity_entity_id(hass, first) is not None
    assert activity_entity_id(hass, second) is None
    assert hass.states.get(SUMMARY).state == "2"

    simulator.end_activity(first)
    await settle(hass, simulator)
    assert activity_entity_id(hass, first) is None
    assert hass.states.get(activity_entity_id(hass, second)).state == "0"
    assert not [key for key in entity_registry.deleted_entities if key[1] == DOMAIN]


async def test_restart_entry_of_activity_ending_before_its_turn(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: PlexSimulator,
    entity_registry: er.EntityRegistry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An activity with an entry from before a restart that ends first leaves none."""
    # Sensors are added in slices; hold the adding after the first sensor.
    gate = asyncio.Event()

    async def held(busy_since: float) -> float:
        await gate.wait()
        return busy_since

    async def until(condition: Callable[[], bool]) -> None:
        async with asyncio.timeout(10):  # not wait_for: the held task never settles
            while not condition():  # noqa: ASYNC110 - nothing signals these
                await asyncio.sleep(0.01)

    monkeypatch.setattr(sensor_module, "yield_if_busy", held)
    mock_config_entry.add_to_hass(hass)
    staying = simulator.start_activity(title="Staying")
    ending = simulator.start_activity(title="Ending")
    register_from_before(hass, mock_config_entry, [staying, ending])
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    entity_id = activity_entity_id(hass, ending)
    assert entity_id is not None  # running: its entry was kept at setup
    await until(lambda: hass.states.get(activity_entity_id(hass, staying)) is not None)
    assert hass.states.get(entity_id) is None  # its turn has not come

    await simulator.wait_for_websockets(1)
    simulator.end_activity(ending)
    coordinator = mock_config_entry.runtime_data
    await until(lambda: ending not in coordinator.activities)
    gate.set()
    await settle(hass, simulator)
    assert activity_entity_id(hass, ending) is None
    assert hass.states.get(entity_id) is None
    assert not [key for key in entity_registry.deleted_entities if key[1] == DOMAIN]
    assert hass.states.get(activity_entity_id(hass, staying)).state == "0"
    assert hass.states.get(SUMMARY).state == "1"
