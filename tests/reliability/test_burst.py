"""Bursts: thousands of activities and updates without stalling Home Assistant.

The figures are printed (run with `-s` to see them). The budget is 100 ms of loop work
without yielding. Python's cyclic garbage collector also stops the loop when thousands
of new long-lived objects (entities, registry entries) appear; its pauses depend on the
size of the whole process's heap (here: pytest and Home Assistant), are reported apart,
and are not the integration's to avoid.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from homeassistant.helpers import entity_registry as er
import pytest

from tests.const import MACHINE_IDENTIFIER
from tests.helpers import activity_entity_id, settle, wait_for

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from plex_simulator import PlexSimulator

    from .conftest import StallMonitor

SUMMARY = "sensor.plex_simulator_activities"
COUNT = 5_000
UPDATES = 10_000
# The longest the integration may keep the event loop busy without yielding.
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
    prefix = f"{MACHINE_IDENTIFIER}_activity_"
    entries = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    uuids = [
        e.unique_id.removeprefix(prefix)
        for e in entries
        if e.unique_id.startswith(prefix)
    ]
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

    assert activity_uuids(hass, init_integration) == set(simulator.activities)
    assert len(hass.states.async_entity_ids("sensor")) == COUNT + 1
    assert hass.states.get(SUMMARY).state == str(COUNT)
    assert stall_monitor.longest_work < MAX_STALL


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
    work = {"started": stall_monitor.longest_work}
    print(f"\n{stall_monitor.report(f'{COUNT} started frames in {elapsed:.2f} s')}")  # noqa: T201
    assert activity_uuids(hass, init_integration) == set(uuids)
    assert hass.states.get(SUMMARY).state == str(COUNT)

    # 10,000 updates over 100 activities, 100 each (progress 0..99 in order).
    targets = uuids[:100]
    seen: dict[str, list[int | None]] = {uuid: [] for uuid in targets}
    coordinator = init_integration.runtime_data
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
    work["updated"] = stall_monitor.longest_work
    print(stall_monitor.report(f"{UPDATES} update frames in {elapsed:.2f} s"))  # noqa: T201
    for remove in unsubscribe:
        remove()

    # Every update applied, in order (progress 0 was the state already).
    assert all(seen[uuid] == list(range(1, 100)) for uuid in targets)
    for uuid in targets:
        assert hass.states.get(activity_entity_id(hass, uuid)).state == "99"
    assert init_integration.runtime_data.listener.stats.events == COUNT + UPDATES
    assert max(work.values()) < MAX_STALL, work
