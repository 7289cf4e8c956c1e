"""Bursts: thousands of activities and updates without stalling Home Assistant.

The figures are printed (run with `-s` to see them). The budget is 100 ms for the
longest stall of the event loop, wall clock, garbage collection included.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

import pytest

from custom_components.plex_activities.const import MAX_ACTIVITY_SENSORS
from tests.helpers import (
    activity_entity_id,
    activity_sensor_ids,
    registered_uuids,
    settle,
    wait_for,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from plex_simulator import PlexSimulator

    from .conftest import StallMonitor

SUMMARY = "sensor.plex_simulator_activities"
COUNT = 5_000
UPDATES = 10_000
# The longest the event loop may stall.
MAX_STALL = 0.100


@pytest.fixture(autouse=True)
async def enable_event_loop_debug() -> None:
    """Measure the loop as it runs in production: without asyncio's debug mode.

    The harness turns debug mode on for every test; it records a stack trace for
    every task and callback, which makes a burst about four times slower than real.
    """
    asyncio.get_running_loop().set_debug(False)


def activity_uuids(hass: HomeAssistant, entry: MockConfigEntry) -> set[str]:
    """Return the uuids behind the activity sensors in the entity registry."""
    uuids = registered_uuids(hass, entry)
    assert len(uuids) == len(set(uuids))
    return set(uuids)


async def test_burst_resync(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
    stall_monitor: StallMonitor,
) -> None:
    """5,000 activities found by a resync appear without a stall over 100 ms."""
    simulator.set_activities_silently(
        [{"uuid": f"resync-{i:05}", "title": f"Scan {i}"} for i in range(COUNT)]
    )
    stall_monitor.start()
    started = time.perf_counter()
    await simulator.drop_websockets()
    coordinator = init_integration.runtime_data
    await wait_for(hass, lambda: len(coordinator.activities) == COUNT, timeout=60)
    await hass.async_block_till_done()
    elapsed = time.perf_counter() - started
    await stall_monitor.stop()
    print(f"\n{stall_monitor.report(f'resync of {COUNT} in {elapsed:.2f} s')}")  # noqa: T201

    assert set(coordinator.activities) == set(simulator.activities)
    oldest = list(simulator.activities)[:MAX_ACTIVITY_SENSORS]
    assert activity_uuids(hass, init_integration) == set(oldest)
    assert len(activity_sensor_ids(hass)) == MAX_ACTIVITY_SENSORS
    summary = hass.states.get(SUMMARY)
    assert summary.state == str(COUNT)
    assert [a["uuid"] for a in summary.attributes["activities"]] == oldest
    assert stall_monitor.longest < MAX_STALL


async def test_burst_started_frames_then_updates(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
    stall_monitor: StallMonitor,
) -> None:
    """5,000 started frames, then 10,000 updates: applied in order, no long stall."""
    uuids = [
        simulator.start_activity(uuid=f"burst-{i:05}", title=f"Scan {i}")
        for i in range(COUNT)
    ]
    stall_monitor.start()
    started = time.perf_counter()
    await settle(hass, simulator)
    elapsed = time.perf_counter() - started
    stalls = {"started": stall_monitor.longest}
    print(f"\n{stall_monitor.report(f'{COUNT} started frames in {elapsed:.2f} s')}")  # noqa: T201
    coordinator = init_integration.runtime_data
    assert list(coordinator.activities) == uuids  # all applied, in order
    assert activity_uuids(hass, init_integration) == set(uuids[:MAX_ACTIVITY_SENSORS])
    assert hass.states.get(SUMMARY).state == str(COUNT)

    # 10,000 updates over 100 activities, 100 each (progress 0..99 in order): half of
    # them have a sensor, half wait for one.
    targets = uuids[:50] + uuids[-50:]
    seen: dict[str, list[int | None]] = {uuid: [] for uuid in targets}
    unsubscribe = [
        coordinator.async_add_activity_listener(
            uuid,
            lambda uuid=uuid: seen[uuid].append(
                coordinator.activities[uuid].activity.progress
            ),
        )
        for uuid in targets
    ]
    for progress in range(UPDATES // len(targets)):
        for uuid in targets:
            simulator.update_activity(uuid, progress=progress)
    stall_monitor.start()
    started = time.perf_counter()
    await settle(hass, simulator)
    elapsed = time.perf_counter() - started
    stalls["updated"] = stall_monitor.longest
    print(stall_monitor.report(f"{UPDATES} update frames in {elapsed:.2f} s"))  # noqa: T201
    for remove in unsubscribe:
        remove()

    # Every update applied, in order (progress 0 was the state already).
    assert all(seen[uuid] == list(range(1, 100)) for uuid in targets)
    for uuid in targets[:50]:
        assert hass.states.get(activity_entity_id(hass, uuid)).state == "99"
    assert all(coordinator.activities[u].activity.progress == 99 for u in targets)
    assert init_integration.runtime_data.listener.stats.events == COUNT + UPDATES
    assert max(stalls.values()) < MAX_STALL, stalls
