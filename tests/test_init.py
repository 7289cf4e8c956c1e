"""Setup, unload, setup failures, and the server going away and coming back."""

from __future__ import annotations

import asyncio
from datetime import timedelta
import logging
from typing import TYPE_CHECKING

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import CONF_TOKEN, STATE_UNAVAILABLE
import pytest

from custom_components.plex_activities.const import (
    DOMAIN,
    FALLBACK_POLL_INTERVAL,
    SAFETY_POLL_INTERVAL,
)
from plex_simulator import PlexSimulator
from tests.const import TOKEN
from tests.helpers import (
    AFTER_RESTART,
    activity_entity_id,
    reauthenticate,
    restart_with_other_activities,
    settle,
    wait_for,
)
from tests.simulator.helpers import WS_PATH

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers import issue_registry as ir
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.plex_activities.coordinator import (
        PlexActivitiesCoordinator,
    )

SUMMARY = "sensor.plex_simulator_activities"


async def test_setup_and_unload(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """The entry loads, connects its websocket, and unloads without leftovers."""
    assert init_integration.state is ConfigEntryState.LOADED
    uuid = simulator.start_activity(title="Scanning Movies", progress=10)
    await settle(hass, simulator)
    entity_id = activity_entity_id(hass, uuid)
    assert entity_id is not None
    assert hass.states.get(entity_id).state == "10"

    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.NOT_LOADED
    await simulator.wait_for_websocket_count(0)
    assert hass.states.get(entity_id).state == STATE_UNAVAILABLE


async def test_existing_activities_at_setup(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """Activities already running when Home Assistant starts get their sensors."""
    uuids = [simulator.start_activity(title=f"Scan {i}") for i in range(3)]
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert all(activity_entity_id(hass, uuid) for uuid in uuids)
    assert hass.states.get(SUMMARY).state == "3"


async def test_not_ready_when_unreachable(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """An unreachable server means: retry later."""
    await simulator.stop()
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    assert "Cannot connect to the Plex server" in (mock_config_entry.reason or "")


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (503, None, "Cannot connect"),
        (200, "not json", "unexpected answer"),
    ],
)
async def test_not_ready_on_bad_answers(  # noqa: PLR0917 - parametrized
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: PlexSimulator,
    status: int,
    body: str | None,
    reason: str,
) -> None:
    """Server errors and answers that are not JSON are retried, not fatal."""
    simulator.rest_failure_status = status
    simulator.rest_failure_body = body
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    assert reason in (mock_config_entry.reason or "")


@pytest.mark.parametrize("status", [401, 403, 498])
async def test_auth_failure_at_setup(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: PlexSimulator,
    status: int,
) -> None:
    """A rejected (401), refused (403) or expired (498) token at setup starts reauth."""
    simulator.auth_failure_status = status
    simulator.revoke_token("rotated")
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [f["context"]["source"] for f in flows] == [SOURCE_REAUTH]


async def test_wrong_server(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, socket_enabled: None
) -> None:
    """A URL that now leads to another Plex server is a clear setup error."""
    other = PlexSimulator(token=TOKEN, machine_identifier="another-server")
    await other.start()
    try:
        mock_config_entry.add_to_hass(hass)
        hass.config_entries.async_update_entry(
            mock_config_entry, data={**mock_config_entry.data, "url": other.url}
        )
        await hass.config_entries.async_setup(mock_config_entry.entry_id)
        assert mock_config_entry.state is ConfigEntryState.SETUP_ERROR
        assert "different Plex server" in (mock_config_entry.reason or "")
    finally:
        await other.stop()


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"token": None}, "token"),
        ({"token": "", "verify_ssl": "yes"}, "token, verify_ssl"),
        ({"url": "https://[fd00::1"}, "url"),
        ({"url": "http://127.0.0.1:99999"}, "url"),
        (
            {"client_identifier": None, "account_token": 7},
            "account_token, client_identifier",
        ),
    ],
    ids=["no token", "wrong types", "open bracket", "port", "identifiers"],
)
async def test_damaged_entry_data(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: PlexSimulator,
    changes: dict[str, object],
    fields: str,
) -> None:
    """Stored data edited by hand: a clear setup error naming the fields, no request."""
    data = {**mock_config_entry.data, **changes}
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry,
        data={key: value for key, value in data.items() if value is not None},
    )
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    assert mock_config_entry.state is ConfigEntryState.SETUP_ERROR
    assert mock_config_entry.reason == (
        f"The stored settings of this entry are damaged ({fields}). "
        "Remove the entry and add the Plex server again"
    )
    assert not simulator.requests


async def test_outage_and_recovery(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Down: unavailable and one warning. Back: correct state and one info line."""
    uuid = simulator.start_activity(title="Scanning Movies", progress=10)
    await settle(hass, simulator)
    entity_id = activity_entity_id(hass, uuid)
    caplog.clear()

    await simulator.stop()
    await wait_for(hass, lambda: hass.states.get(SUMMARY).state == STATE_UNAVAILABLE)
    assert hass.states.get(entity_id).state == STATE_UNAVAILABLE
    assert hass.states.get("event.plex_simulator_activity").state == STATE_UNAVAILABLE

    # Back with different activities, as after a real restart.
    await restart_with_other_activities(simulator)
    await wait_for(
        hass, lambda: activity_entity_id(hass, AFTER_RESTART) is not None, timeout=15
    )
    await hass.async_block_till_done()
    assert hass.states.get(SUMMARY).state == "1"
    assert activity_entity_id(hass, uuid) is None
    assert hass.states.get(activity_entity_id(hass, AFTER_RESTART)).state == "7"

    ours = [r for r in caplog.records if r.name.startswith("custom_components")]
    warnings = [r for r in ours if r.levelno == logging.WARNING]
    infos = [r for r in ours if r.levelno == logging.INFO]
    assert len(warnings) == 1
    assert "unavailable" in warnings[0].getMessage()
    assert len(infos) == 1
    assert "available again" in infos[0].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert all(r.exc_info is None for r in ours)


@pytest.mark.parametrize("status", [401, 403, 498])
async def test_token_revoked_at_runtime(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
    caplog: pytest.LogCaptureFixture,
    status: int,
) -> None:
    """A revoked or expired token gives exactly one reauth flow and no reconnect loop.

    The websocket handshake finds out first (401 today; 403 as on REST; 498 for an
    expired token): it starts the reauth instead of retrying forever, with one log line.
    """
    running = simulator.start_activity(title="Scanning Movies", progress=30)
    await settle(hass, simulator)  # also: the resync after connecting is over
    entity_id = activity_entity_id(hass, running)
    assert entity_id is not None
    simulator.auth_failure_status = status
    caplog.clear()
    requests_before = len(simulator.requests)
    simulator.revoke_token("rotated")
    await simulator.wait_for_websocket_count(0)
    await wait_for(
        hass, lambda: bool(hass.config_entries.flow.async_progress_by_handler(DOMAIN))
    )
    # The listener retries once after the close, is refused, and stops for good.
    await wait_for(
        hass, lambda: len([r for r in simulator.requests if r.websocket]) == 2
    )
    await asyncio.sleep(3)
    await hass.async_block_till_done()
    assert len([r for r in simulator.requests if r.websocket]) == 2
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [f["context"]["source"] for f in flows] == [SOURCE_REAUTH]
    # The handshake found out (for 401 and 403 with the activity list telling a rejected
    # token from a proxy's refusal), not a poll; and it said so in one line, whatever
    # the status.
    checked = [] if status == 498 else ["/activities"]
    assert [r.path for r in simulator.requests[requests_before:]] == [WS_PATH, *checked]
    ours = [r for r in caplog.records if r.name.startswith("custom_components")]
    assert [(r.levelno, r.getMessage()) for r in ours] == [
        (logging.DEBUG, f"Notification websocket to {simulator.url} closed: None"),
        (logging.DEBUG, "Notification websocket stopped: the token was rejected"),
    ]

    # A new token through reauth: everything resumes without restarting.
    await reauthenticate(hass, flows[0]["flow_id"], "rotated")
    await simulator.wait_for_websockets(1)
    uuid = simulator.start_activity(title="Scanning Music")
    await settle(hass, simulator)
    assert activity_entity_id(hass, uuid) is not None
    assert init_integration.data[CONF_TOKEN] == "rotated"
    # Nothing was lost: the activity that ran all along keeps its entity and state.
    assert activity_entity_id(hass, running) == entity_id
    assert hass.states.get(entity_id).state == "30"
    assert hass.states.get(SUMMARY).state == "2"


async def setup_without_channels(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: PlexSimulator
) -> tuple[PlexActivitiesCoordinator, str]:
    """Set up with both notification channels refused; return the repair issue's id."""
    simulator.websocket_enabled = False
    simulator.eventsource.enabled = False
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry.runtime_data, f"websocket_unavailable_{entry.entry_id}"


async def test_websocket_repair_issue(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: PlexSimulator,
    issue_registry: ir.IssueRegistry,
) -> None:
    """REST works but neither channel connects: a repair issue after 10 minutes."""
    coordinator, issue_id = await setup_without_channels(
        hass, mock_config_entry, simulator
    )
    await wait_for(
        hass, lambda: coordinator.listener.stats.failed_attempts >= 2, timeout=15
    )
    # A refused channel says nothing about Plex: no extra REST poll per retry.
    activity_polls = [r for r in simulator.requests if r.path == "/activities"]
    assert len(activity_polls) == 1  # the first refresh at setup only
    # Without the websocket REST polls every 30 s and still shows activities.
    assert coordinator.update_interval == FALLBACK_POLL_INTERVAL
    uuid = simulator.start_activity(title="Scanning Movies")
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert activity_entity_id(hass, uuid) is not None
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None

    # Ten minutes later (the listener has been failing all along):
    coordinator.websocket.down_since -= timedelta(minutes=10)
    await coordinator.async_refresh()
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_key == "websocket_unavailable"
    assert issue.translation_placeholders == {
        "name": "Plex Simulator",
        "url": simulator.url,
        "websocket_error": (
            f"{simulator.url} refused the notification websocket (HTTP 404)"
        ),
        "eventsource_error": (
            f"{simulator.url} refused the notification EventSource (HTTP 404)"
        ),
    }

    # The proxy is fixed: the listener connects, the issue goes, polling slows down.
    simulator.websocket_enabled = True
    simulator.eventsource.enabled = True
    await simulator.wait_for_websockets(1, timeout=15)
    await wait_for(
        hass, lambda: issue_registry.async_get_issue(DOMAIN, issue_id) is None
    )
    assert coordinator.update_interval == SAFETY_POLL_INTERVAL


async def test_websocket_repair_issue_goes_with_the_entry(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: PlexSimulator,
    issue_registry: ir.IssueRegistry,
) -> None:
    """An entry unloaded (disabled, removed) takes its repair issue along."""
    coordinator, issue_id = await setup_without_channels(
        hass, mock_config_entry, simulator
    )
    coordinator.websocket.down_since -= timedelta(minutes=10)
    await coordinator.async_refresh()
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None

    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None
