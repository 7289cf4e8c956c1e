"""Faults and bad input at run time: slow or broken REST, bad frames, cancel races."""

from __future__ import annotations

import asyncio
from functools import partial
import json
import logging
import time
from typing import TYPE_CHECKING, Any
from unittest.mock import patch

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import Event, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.plex_activities.api import NotificationListener
from custom_components.plex_activities.const import (
    DOMAIN,
    SAFETY_POLL_INTERVAL,
    SERVICE_CANCEL,
)
from custom_components.plex_activities.diagnostics import (
    async_get_config_entry_diagnostics,
)
from tests.helpers import activity_entity_id, impatient_client, settle, wait_for

from .common import EVENT, SUMMARY, assert_mirrors_server, our_records, our_warnings

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from plex_simulator import PlexSimulator


def polls_made(simulator: PlexSimulator) -> int:
    """Return how many times the activities were fetched."""
    return len([r for r in simulator.requests if r.path == "/activities"])


async def poll(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: PlexSimulator,
    times: int = 1,
) -> None:
    """Let the coordinator's own schedule poll REST `times` times."""
    # Moving the clock fires every loop timer due by then, the request timeout of a
    # poll that starts meanwhile included: keep that one out of reach.
    entry.runtime_data.client.request_timeout = 3600
    for _ in range(times):
        before = polls_made(simulator)
        async_fire_time_changed(hass, dt_util.utcnow() + SAFETY_POLL_INTERVAL)
        await wait_for(hass, lambda before=before: polls_made(simulator) > before)
        await hass.async_block_till_done()


# ------------------------------------------------------------------ slow server


async def test_slow_server_at_run_time(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A server slower than the timeout: the poll gives up in time, entities go unavailable."""
    coordinator = init_integration.runtime_data
    coordinator.client.request_timeout = 0.2
    uuid = simulator.start_activity(title="Scanning Movies", progress=10)
    await settle(hass, simulator)
    caplog.clear()

    simulator.latency = 1.0
    started = time.monotonic()
    await coordinator.async_refresh()
    assert time.monotonic() - started < 0.6
    await hass.async_block_till_done()
    assert hass.states.get(activity_entity_id(hass, uuid)).state == STATE_UNAVAILABLE
    assert hass.states.get(SUMMARY).state == STATE_UNAVAILABLE
    assert our_warnings(caplog) == [
        (
            f"Plex server {simulator.url} is unavailable: {simulator.url} did not "
            "answer within 0.2 s (GET /activities)"
        )
    ]

    simulator.latency = 0.0
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get(activity_entity_id(hass, uuid)).state == "10"
    assert init_integration.state is ConfigEntryState.LOADED


async def test_slow_server_at_setup(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """A server slower than the timeout at setup: not ready, retried later."""
    simulator.latency = 1.0
    mock_config_entry.add_to_hass(hass)
    started = time.monotonic()
    with impatient_client():
        await hass.config_entries.async_setup(mock_config_entry.entry_id)
    assert time.monotonic() - started < 0.9
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    assert "did not answer within 0.2 s" in (mock_config_entry.reason or "")


async def test_silent_websocket_detected(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """A websocket that dies silently is found by the keepalive within 1.5 heartbeats."""
    heartbeat = 0.3
    mock_config_entry.add_to_hass(hass)
    with patch(
        "custom_components.plex_activities.websocket.NotificationListener",
        partial(NotificationListener, heartbeat=heartbeat),
    ):
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    await simulator.wait_for_websockets(1)
    listener = mock_config_entry.runtime_data.listener
    # Idle but alive: the pings are answered and nothing is dropped.
    await asyncio.sleep(3 * heartbeat)
    assert listener.stats.connects == 1
    assert listener.stats.connected

    simulator.websocket_silent = True
    silent_since = time.monotonic()
    await wait_for(hass, lambda: not listener.stats.connected, timeout=5)
    detected_after = time.monotonic() - silent_since
    assert detected_after <= heartbeat * 1.5 + 0.25
    assert "keepalive" in (listener.stats.last_error or "")
    # REST still answers: Home Assistant keeps the entities available meanwhile.
    assert mock_config_entry.runtime_data.last_update_success

    simulator.websocket_silent = False
    await wait_for(hass, lambda: listener.stats.connects >= 2, timeout=10)
    uuid = simulator.start_activity(title="Scanning Movies")
    await settle(hass, simulator)
    assert activity_entity_id(hass, uuid) is not None


# ------------------------------------------------------------------ broken REST


@pytest.mark.parametrize(
    ("status", "body", "content_type", "error"),
    [
        (503, None, None, "is not available (GET /activities: HTTP 503)"),
        (500, "Internal error", "text/plain", "(GET /activities: HTTP 500)"),
        (
            200,
            "<html>Proxy login</html>",
            None,
            "GET /activities: the answer is not JSON",
        ),
        (200, '{"MediaContainer": ', "application/json", "the answer is not JSON"),
        (200, '{"MediaContainer": {"Activity": 5}}', "application/json", "not a list"),
        (200, "[1, 2]", "application/json", "response has no MediaContainer object"),
    ],
)
async def test_bad_answers_during_polls(  # noqa: PLR0917 - parametrized
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
    caplog: pytest.LogCaptureFixture,
    status: int,
    body: str | None,
    content_type: str | None,
    error: str,
) -> None:
    """5xx, HTML and broken JSON on a poll: unavailable with a clear error, then back."""
    uuid = simulator.start_activity(title="Scanning Movies", progress=10)
    await settle(hass, simulator)
    caplog.clear()

    simulator.rest_failure_status = status
    simulator.rest_failure_body = body
    simulator.rest_failure_content_type = content_type
    await poll(hass, init_integration, simulator, times=3)
    assert hass.states.get(activity_entity_id(hass, uuid)).state == STATE_UNAVAILABLE
    assert hass.states.get(SUMMARY).state == STATE_UNAVAILABLE
    [warning] = our_warnings(caplog)  # one warning, however many polls fail
    assert warning.startswith(f"Plex server {simulator.url} is unavailable: ")
    assert error in warning

    # Fixed, with a change made meanwhile: the next scheduled poll picks it all up.
    simulator.rest_failure_status = None
    simulator.set_activities_silently([{**simulator.activities[uuid], "progress": 70}])
    await poll(hass, init_integration, simulator)
    assert hass.states.get(activity_entity_id(hass, uuid)).state == "70"
    assert_mirrors_server(hass, init_integration, simulator)
    assert [
        r.getMessage() for r in our_records(caplog) if r.levelno == logging.INFO
    ] == [f"Plex server {simulator.url} is available again"]
    assert init_integration.state is ConfigEntryState.LOADED
    assert init_integration.runtime_data.listener.stats.connected
    assert all(r.exc_info is None for r in caplog.records)


# ------------------------------------------------------------------ bad frames


def activity_frame(event: str, activity: Any) -> str:
    """Return the text of one activity notification."""
    return json.dumps(
        {
            "NotificationContainer": {
                "type": "activity",
                "size": 1,
                "ActivityNotification": [{"event": event, "Activity": activity}],
            }
        }
    )


async def test_malformed_notifications(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """Bad frames are skipped and counted (diagnostics); the next valid one applies."""
    uuid = simulator.start_activity(title="Scanning Movies", progress=10)
    await settle(hass, simulator)
    good = dict(simulator.activities[uuid])
    no_uuid = {key: value for key, value in good.items() if key != "uuid"}
    bad_frames: list[str | bytes] = [
        "{not json",
        "",
        "[1, 2, 3]",
        '{"NotificationContainer": "activity"}',
        json.dumps({"NotificationContainer": {"type": "activity"}}),
        json.dumps({"NotificationContainer": {"type": "playing", "size": 0}}),
        json.dumps({"NotificationContainer": {"type": None}}),
        activity_frame("updated", no_uuid),
        activity_frame("updated", {**good, "uuid": ["a", "list"]}),
        activity_frame("updated", "not an object"),
        activity_frame("exploded", good),
        activity_frame(["updated"], good),  # type: ignore[arg-type]
        "[" * 100_000 + "]" * 100_000,
        " " * (1024 * 1024) + "{}",
        b"\x00\x01binary",
    ]
    for frame in bad_frames:
        simulator.send_raw(frame)
        simulator.update_activity(uuid, progress=11)  # valid frames in between
        simulator.update_activity(uuid, progress=10)
    # Out-of-range and non-numeric progress are accepted and made sane.
    simulator.send_raw(activity_frame("updated", {**good, "progress": 250}))
    await settle(hass, simulator)
    entity_id = activity_entity_id(hass, uuid)
    assert hass.states.get(entity_id).state == "100"
    simulator.send_raw(activity_frame("updated", {**good, "progress": "abc"}))
    await settle(hass, simulator)
    assert hass.states.get(entity_id).state == STATE_UNKNOWN
    simulator.send_raw(activity_frame("updated", {**good, "progress": -7.5}))
    await settle(hass, simulator)
    assert hass.states.get(entity_id).state == STATE_UNKNOWN
    simulator.update_activity(uuid, progress=42)
    await settle(hass, simulator)
    assert hass.states.get(entity_id).state == "42"

    diagnostics = await async_get_config_entry_diagnostics(hass, init_integration)
    listener = diagnostics["listener"]
    assert listener["skipped_frames"] == {
        "invalid_json": 3,  # broken, empty, nested beyond the parser's recursion limit
        "invalid_shape": 3,
        "other_type": 2,
        "invalid_activity": 5,
        "too_large": 1,
        "binary": 1,
    }
    assert listener["connects"] == 1  # nothing broke the connection
    assert listener["connected"]
    assert init_integration.runtime_data.listener.stats.frames_since_connect >= 2 * len(
        bad_frames
    )
    assert_mirrors_server(hass, init_integration, simulator)


async def test_frame_beyond_the_transport_limit(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """A frame over aiohttp's 16 MiB limit costs the connection, not the state."""
    listener = init_integration.runtime_data.listener
    uuid = simulator.start_activity(title="Scanning Movies", progress=10)
    await settle(hass, simulator)
    simulator.send_raw("x" * (17 * 1024 * 1024))
    simulator.set_activities_silently([{**simulator.activities[uuid], "progress": 60}])
    await wait_for(hass, lambda: listener.stats.connects >= 2, timeout=15)
    await simulator.wait_for_websockets(1)
    await settle(hass, simulator)
    assert hass.states.get(activity_entity_id(hass, uuid)).state == "60"
    assert_mirrors_server(hass, init_integration, simulator)


# ------------------------------------------------------------------ cancel races


async def test_cancel_races_with_ended_frame(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """Cancel vs. an `ended` frame in flight: clear error, one removal, one event.

    Extends tests/test_services.py (already finished, double cancel).
    """
    racing = simulator.start_activity(title="Scanning Movies", cancellable=True)
    cancelled = simulator.start_activity(title="Scanning Music", cancellable=True)
    await settle(hass, simulator)
    entity_ids = {uuid: activity_entity_id(hass, uuid) for uuid in (racing, cancelled)}
    removed: list[str] = []
    registry_removed: list[str] = []
    ended: list[str] = []

    @callback
    def state_changed(event: Event) -> None:
        data = event.data
        if data["new_state"] is None:
            removed.append(data["entity_id"])
        elif (
            data["entity_id"] == EVENT
            and data["new_state"].attributes.get("event_type") == "ended"
        ):
            ended.append(data["new_state"].attributes["uuid"])

    @callback
    def registry_updated(event: Event) -> None:
        if event.data["action"] == "remove":
            registry_removed.append(event.data["entity_id"])

    unsubscribe = [
        hass.bus.async_listen("state_changed", state_changed),
        hass.bus.async_listen(er.EVENT_ENTITY_REGISTRY_UPDATED, registry_updated),
    ]
    # It ends on its own; its `ended` frame is on the way when the cancel goes out.
    simulator.end_activity(racing)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            SERVICE_CANCEL,
            {"entity_id": entity_ids[racing]},
            blocking=True,
        )
    assert err.value.translation_key == "activity_not_found"
    assert "already finished" in str(err.value) or racing in str(err.value)
    # The other is cancelled: removed at once, and then its `ended` frame arrives.
    await hass.services.async_call(
        DOMAIN, SERVICE_CANCEL, {"entity_id": entity_ids[cancelled]}, blocking=True
    )
    await settle(hass, simulator)
    for remove in unsubscribe:
        remove()

    assert sorted(removed) == sorted(entity_ids.values())
    assert sorted(registry_removed) == sorted(entity_ids.values())
    assert sorted(ended) == sorted([racing, cancelled])
    assert_mirrors_server(hass, init_integration, simulator)


# ------------------------------------------------------------------ restart


async def test_changes_while_unloaded(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """Unload, the server changes, set up again: exactly the server's activities.

    Extends tests/test_sensor.py::test_stale_registry_entries_removed_at_setup with
    a real unload and setup.
    """
    ends = simulator.start_activity(title="Scanning Movies", progress=10)
    stays = simulator.start_activity(title="Scanning Music", progress=20)
    await settle(hass, simulator)
    stays_entity = activity_entity_id(hass, stays)
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    await simulator.wait_for_websocket_count(0)

    simulator.end_activity(ends)
    simulator.update_activity(stays, progress=80)
    new = simulator.start_activity(title="Refreshing", type="library.refresh.items")

    assert await hass.config_entries.async_setup(init_integration.entry_id)
    await hass.async_block_till_done()
    assert activity_entity_id(hass, ends) is None
    assert activity_entity_id(hass, stays) == stays_entity  # the same entity again
    assert activity_entity_id(hass, new) is not None
    assert_mirrors_server(hass, init_integration, simulator)
