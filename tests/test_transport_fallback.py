"""Live updates over the EventSource when a proxy refuses websocket upgrades."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import TYPE_CHECKING

from homeassistant.config_entries import SOURCE_REAUTH
import pytest

from custom_components.plex_activities.api import Transport
from custom_components.plex_activities.const import DOMAIN, SAFETY_POLL_INTERVAL
from custom_components.plex_activities.diagnostics import (
    async_get_config_entry_diagnostics,
)
from tests.helpers import activity_entity_id, reauthenticate, settle, wait_for

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers import issue_registry as ir
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from plex_simulator import PlexSimulator

ES_PATH = "/:/eventsource/notifications"


@pytest.fixture
async def on_eventsource(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: PlexSimulator
) -> MockConfigEntry:
    """Set up the integration behind a proxy that refuses websocket upgrades."""
    simulator.websocket_enabled = False
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    listener = mock_config_entry.runtime_data.listener
    await wait_for(
        hass,
        lambda: (
            listener.stats.connected and listener.transport is Transport.EVENTSOURCE
        ),
    )
    return mock_config_entry


@pytest.mark.parametrize("status", [403, 401])
async def test_proxy_forbidding_websockets(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: PlexSimulator,
    status: int,
) -> None:
    """A proxy answering 403 or 401 to the upgrade is a refused channel, not a token.

    The token still lists the activities, so no reauth: the EventSource carries on.
    """
    simulator.websocket_enabled = False
    simulator.websocket_refusal_status = status
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    listener = mock_config_entry.runtime_data.listener
    await wait_for(
        hass,
        lambda: (
            listener.stats.connected and listener.transport is Transport.EVENTSOURCE
        ),
    )
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []
    refused = listener.stats.last_errors[Transport.WEBSOCKET]
    assert refused.endswith(f"refused the notification websocket (HTTP {status})")
    uuid = simulator.start_activity(title="Scanning Movies")
    await settle(hass, simulator)
    assert activity_entity_id(hass, uuid) is not None


async def test_live_updates_over_eventsource(
    hass: HomeAssistant,
    on_eventsource: MockConfigEntry,
    simulator: PlexSimulator,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Activities start, update and end live; no repair; diagnostics name the channel."""
    coordinator = on_eventsource.runtime_data
    uuid = simulator.start_activity(title="Scanning Movies", progress=10)
    await settle(hass, simulator)
    entity_id = activity_entity_id(hass, uuid)
    assert entity_id is not None
    simulator.update_activity(uuid, progress=60)
    await settle(hass, simulator)
    assert hass.states.get(entity_id).state == "60"
    # Live updates arrive: REST only as the slow safety net, and no repair even later.
    assert coordinator.update_interval == SAFETY_POLL_INTERVAL
    assert coordinator.websocket.down_since is None
    await coordinator.async_refresh()
    assert not issue_registry.issues

    diagnostics = await async_get_config_entry_diagnostics(hass, on_eventsource)
    listener = diagnostics["listener"]
    assert listener["transport"] == "eventsource"
    by_transport = listener["by_transport"]
    assert by_transport["eventsource"]["connects"] == 1
    assert by_transport["eventsource"]["events"] == 2
    assert by_transport["websocket"]["connects"] == 0
    assert by_transport["websocket"]["failed_attempts"] == 1
    assert "(HTTP 404)" in by_transport["websocket"]["last_error"]
    assert by_transport["eventsource"]["last_error"] is None

    simulator.end_activity(uuid)
    await settle(hass, simulator)
    assert activity_entity_id(hass, uuid) is None


@pytest.mark.parametrize("status", [401, 403, 498])
async def test_token_rejected_on_eventsource(
    hass: HomeAssistant,
    on_eventsource: MockConfigEntry,
    simulator: PlexSimulator,
    caplog: pytest.LogCaptureFixture,
    status: int,
) -> None:
    """A revoked or expired token on the EventSource: one reauth, one log line."""
    running = simulator.start_activity(title="Scanning Movies", progress=30)
    await settle(hass, simulator)
    entity_id = activity_entity_id(hass, running)
    simulator.auth_failure_status = status
    caplog.clear()
    requests_before = len(simulator.requests)
    simulator.revoke_token("rotated")
    await wait_for(
        hass, lambda: bool(hass.config_entries.flow.async_progress_by_handler(DOMAIN))
    )
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [f["context"]["source"] for f in flows] == [SOURCE_REAUTH]
    # The stream's refusal, and for 401 and 403 the activity list telling a rejected
    # token from a proxy's refusal; not a poll.
    checked = [] if status == 498 else ["/activities"]
    assert [r.path for r in simulator.requests[requests_before:]] == [ES_PATH, *checked]
    ours = [r for r in caplog.records if r.name.startswith("custom_components")]
    assert [(r.levelno, r.getMessage()) for r in ours][-1] == (
        logging.DEBUG,
        "Notification websocket stopped: the token was rejected",
    )
    assert not [r for r in ours if r.levelno >= logging.INFO]

    await reauthenticate(hass, flows[0]["flow_id"], "rotated")
    listener = on_eventsource.runtime_data.listener
    await wait_for(hass, lambda: listener.stats.connected)
    assert activity_entity_id(hass, running) == entity_id
    assert hass.states.get(entity_id).state == "30"


async def test_repair_when_both_channels_fail_names_them(
    hass: HomeAssistant,
    on_eventsource: MockConfigEntry,
    simulator: PlexSimulator,
    issue_registry: ir.IssueRegistry,
) -> None:
    """The EventSource goes too: after 10 minutes the issue says how each failed."""
    coordinator = on_eventsource.runtime_data
    listener = coordinator.listener
    simulator.eventsource.enabled = False
    await simulator.drop_websockets()
    await wait_for(
        hass, lambda: Transport.EVENTSOURCE in listener.stats.last_errors, timeout=5
    )
    coordinator.websocket.down_since -= timedelta(minutes=10)
    await coordinator.async_refresh()
    issue = issue_registry.async_get_issue(
        DOMAIN, f"websocket_unavailable_{on_eventsource.entry_id}"
    )
    assert issue is not None
    placeholders = issue.translation_placeholders or {}
    assert "websocket (HTTP 404)" in placeholders["websocket_error"]
    assert "EventSource (HTTP 404)" in placeholders["eventsource_error"]
