"""Connection faults: lost websockets, restarts, long outages, unload during backoff."""

from __future__ import annotations

import asyncio
import gc
import logging
import tracemalloc
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.helpers import device_registry as dr, entity_registry as er
from pytest_homeassistant_custom_component.common import flush_store

from custom_components.plex_activities.api import NotificationListener
from tests.helpers import (
    AFTER_RESTART,
    activity_entity_id,
    restart_with_other_activities,
    running_tasks,
    settle,
    wait_for,
)

from .common import SUMMARY, assert_mirrors_server, our_records
from .conftest import RecordingSleep

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.core import HomeAssistant
    import pytest
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from plex_simulator import PlexSimulator


async def test_changes_while_websocket_down(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """An activity ends and another starts while the websocket is down: resync fixes all."""
    coordinator = init_integration.runtime_data
    coordinator.listener._sleep = RecordingSleep(real=0.05)
    ending = simulator.start_activity(title="Scanning Movies", progress=10)
    staying = simulator.start_activity(title="Scanning Music", progress=20)
    await settle(hass, simulator)
    assert_mirrors_server(hass, init_integration, simulator)

    # Drop the websocket mid-stream (frames still queued are lost with it) and keep
    # it from coming back while the server changes without notifications.
    simulator.websocket_enabled = False
    simulator.update_activity(staying, progress=21)
    await simulator.drop_websockets()
    simulator.set_activities_silently(
        [
            {**simulator.activities[staying], "progress": 65},
            {"uuid": "started-while-down", "title": "Detecting credits", "progress": 5},
        ]
    )
    await wait_for(hass, lambda: not coordinator.listener.stats.connected)
    simulator.websocket_enabled = True
    await simulator.wait_for_websockets(1)
    await wait_for(
        hass, lambda: activity_entity_id(hass, "started-while-down") is not None
    )
    await settle(hass, simulator)
    assert activity_entity_id(hass, ending) is None
    assert_mirrors_server(hass, init_integration, simulator)

    # And the stream goes on from there.
    simulator.end_activity(staying)
    simulator.update_activity("started-while-down", progress=50)
    await settle(hass, simulator)
    assert_mirrors_server(hass, init_integration, simulator)
    assert coordinator.listener.stats.reconnects == 1


async def test_restart_backoff_and_recovery(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Plex restarts: unavailable while down, capped jittered backoff, right state after.

    Extends tests/test_init.py::test_outage_and_recovery with the backoff and the
    complete entity set.
    """
    coordinator = init_integration.runtime_data
    sleep = RecordingSleep(real=0.02)
    coordinator.listener._sleep = sleep
    assert coordinator.listener.backoff.maximum == 60.0
    before = simulator.start_activity(title="Scanning Movies", progress=10)
    await settle(hass, simulator)
    caplog.clear()

    await simulator.stop()
    await wait_for(hass, lambda: hass.states.get(SUMMARY).state == STATE_UNAVAILABLE)
    assert hass.states.get(activity_entity_id(hass, before)).state == STATE_UNAVAILABLE
    assert hass.states.get("event.plex_simulator_activity").state == STATE_UNAVAILABLE
    # Let the listener fail long enough to reach the cap.
    await wait_for(hass, lambda: len(sleep.delays) >= 14)

    # Back with other activities, as after a real restart.
    await restart_with_other_activities(simulator)
    await simulator.wait_for_websockets(1, timeout=15)
    await wait_for(hass, lambda: activity_entity_id(hass, AFTER_RESTART) is not None)
    await settle(hass, simulator)
    assert_mirrors_server(hass, init_integration, simulator)
    assert hass.states.get("event.plex_simulator_activity").state != STATE_UNAVAILABLE

    # Capped exponential backoff with jitter: 1, 2, 4, ... 32, then 60 s at most,
    # each drawn from [75 %, 100 %] of its base, never a fixed cadence.
    delays = [d for d in sleep.delays if d > 0]
    bases = [min(60, 2**i) for i in range(len(delays))]
    for delay, base in zip(delays, bases, strict=True):
        assert 0.75 * base <= delay <= base
    capped = delays[6:]
    assert len(capped) >= 6
    assert max(capped) <= 60.0
    assert len(set(capped)) == len(capped)

    ours = our_records(caplog)
    warnings = [r for r in ours if r.levelno >= logging.WARNING]
    infos = [r for r in ours if r.levelno == logging.INFO]
    assert [r.getMessage() for r in warnings] == [
        (
            f"Plex server {simulator.url} is unavailable: cannot connect to "
            f"{simulator.url} (GET /activities: ClientConnectorError)"
        )
    ]
    assert [r.getMessage() for r in infos] == [
        f"Plex server {simulator.url} is available again"
    ]
    assert all(r.exc_info is None and r.exc_text is None for r in caplog.records)
    assert "Traceback" not in caplog.text


async def test_unreachable_for_an_hour(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An hour without Plex: attempts bounded by the backoff, one warning, flat memory."""
    coordinator = init_integration.runtime_data
    listener = coordinator.listener
    attempts = 0
    client = coordinator.client

    def counting(connect: Callable[..., object]) -> Callable[..., object]:
        def counting_connect(**kwargs: str) -> object:
            nonlocal attempts
            attempts += 1
            return connect(**kwargs)

        return counting_connect

    # The websocket and the EventSource take turns: every attempt counts.
    client.connect_notifications = counting(client.connect_notifications)  # type: ignore[method-assign]
    client.connect_eventsource = counting(client.connect_eventsource)  # type: ignore[method-assign]
    hour = RecordingSleep(until=3600)
    listener._sleep = hour
    # The registries save what setup registered a few seconds later, whenever
    # their timer fires; save it now so that it is not counted as our growth.
    for store in (dr.async_get(hass)._store, er.async_get(hass)._store):
        await flush_store(store)
    caplog.clear()

    tracemalloc.start()
    try:
        await simulator.stop()
        await wait_for(hass, lambda: len(hour.delays) >= 10)
        gc.collect()
        baseline, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        async with asyncio.timeout(30):
            await hour.reached.wait()
        gc.collect()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    simulated = hour.total
    print(  # noqa: T201 - the figures the report quotes
        f"\n{simulated:.0f} s of backoff: {attempts} handshake attempts, "
        f"memory {current - baseline:+d} B (peak {peak - baseline:+d} B)"
    )
    assert simulated >= 3600
    # One attempt after each delay but the last (the first followed the lost
    # connection); once capped, each delay is in [45, 60] s.
    assert attempts == len(hour.delays) - 1
    assert 3600 / 60 + 5 <= attempts <= 3600 / 45 + 7
    assert listener.stats.failed_attempts >= attempts - 1
    # No log flood: the outage is one warning, whatever it lasts.
    loud = [r for r in our_records(caplog) if r.levelno >= logging.WARNING]
    assert len(loud) == 1
    # Memory stays flat: nothing accumulates per attempt.
    assert current - baseline < 128 * 1024
    assert peak - baseline < 1024 * 1024
    assert coordinator.last_update_success is False


async def test_unload_during_backoff(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """Unloading while the listener waits to reconnect leaves no task or timer behind."""
    listener = init_integration.runtime_data.listener
    await simulator.stop()
    # The first retry fails too: the listener now sleeps ~2 s on a real timer.
    await wait_for(hass, lambda: listener.stats.failed_attempts >= 1)
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.NOT_LOADED
    assert not init_integration._background_tasks
    assert not running_tasks()
    # The harness fails the test at teardown on any lingering task or timer.


async def test_reload_during_backoff(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """Reloading while the websocket is refused and in backoff starts over cleanly."""
    old_listener = init_integration.runtime_data.listener
    simulator.websocket_enabled = False
    await simulator.drop_websockets()
    await wait_for(hass, lambda: old_listener.stats.failed_attempts >= 1)

    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.LOADED
    new_listener = init_integration.runtime_data.listener
    assert new_listener is not old_listener
    assert len(running_tasks("websocket")) == 1

    simulator.websocket_enabled = True
    await simulator.wait_for_websockets(1, timeout=15)
    uuid = simulator.start_activity(title="Scanning Movies")
    await settle(hass, simulator)
    assert activity_entity_id(hass, uuid) is not None
    # Only the new listener connected; the old one never came back.
    await asyncio.sleep(0.1)
    assert simulator.websocket_count == 1
    assert old_listener.stats.connects == 1


def test_default_listener_policy() -> None:
    """The shipped defaults: backoff capped at 60 s with jitter, keepalive within 60 s."""
    listener = NotificationListener(
        None,  # type: ignore[arg-type]
        on_events=lambda _events: None,
        on_connected=asyncio.sleep,  # type: ignore[arg-type]
        on_disconnected=lambda _error: None,
    )
    assert listener.backoff.maximum == 60.0
    assert 0 < listener.backoff.jitter < 1
    # A silent connection is declared dead after heartbeat + heartbeat / 2.
    assert listener._heartbeat * 1.5 <= 60
    # The EventSource: 30 s without a ping (Plex pings every 10 s) is a dead stream;
    # a refused websocket is tried again from it every 10 minutes.
    assert listener._silence == 30.0
    assert listener._websocket_retry == 600.0
