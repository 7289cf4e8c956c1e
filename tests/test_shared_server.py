"""A server shared with the account: its own activities only, clear refusals, no reauth."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest

from custom_components.plex_activities.const import DOMAIN, SERVICE_CANCEL
from tests.const import SHARED_TOKEN
from tests.helpers import activity_entity_id, config_entry_for, settle, wait_for

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from plex_simulator import PlexSimulator

SHARED_USER_ID = 4711


@pytest.fixture
async def shared_entry(
    hass: HomeAssistant, simulator: PlexSimulator
) -> MockConfigEntry:
    """Set up an entry with the token of a user the simulator is shared with."""
    simulator.shared_users.add(SHARED_TOKEN, SHARED_USER_ID)
    entry = config_entry_for(simulator, token=SHARED_TOKEN)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await simulator.wait_for_websockets(1)
    return entry


async def _cancel(hass: HomeAssistant, entry: MockConfigEntry, uuid: str) -> None:
    await hass.services.async_call(
        DOMAIN,
        SERVICE_CANCEL,
        {"config_entry_id": entry.entry_id, "activity_id": uuid},
        blocking=True,
    )


def _reauth_flows(hass: HomeAssistant) -> list[str]:
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    return [flow["context"]["source"] for flow in flows]


async def test_only_own_activities(
    hass: HomeAssistant, shared_entry: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """Only the account's own activities get sensors, and it cancels them."""
    del shared_entry
    owners = simulator.start_activity(title="Scanning Movies", cancellable=True)
    own = simulator.start_activity(
        title="Preparing a download", cancellable=True, user_id=SHARED_USER_ID
    )
    await settle(hass, simulator)
    assert activity_entity_id(hass, owners) is None
    entity_id = activity_entity_id(hass, own)
    assert entity_id is not None
    await hass.services.async_call(
        DOMAIN, SERVICE_CANCEL, {"entity_id": entity_id}, blocking=True
    )
    await hass.async_block_till_done()
    assert own not in simulator.activities
    assert hass.states.get(entity_id) is None


@pytest.mark.parametrize("status", [403, 401])
async def test_someone_elses_activity(
    hass: HomeAssistant,
    shared_entry: MockConfigEntry,
    simulator: PlexSimulator,
    caplog: pytest.LogCaptureFixture,
    status: int,
) -> None:
    """Cancelling someone else's activity is a clear validation error, no reauth.

    Whether Plex refuses it with 403 or 401; nothing is logged as an error.
    """
    simulator.shared_users.refusal_status = status
    owners = simulator.start_activity(title="Scanning Movies", cancellable=True)
    await settle(hass, simulator)
    with pytest.raises(ServiceValidationError) as err:
        await _cancel(hass, shared_entry, owners)
    assert err.value.translation_key == "cancel_not_allowed"
    assert err.value.translation_placeholders == {"title": owners}
    await hass.async_block_till_done()
    assert _reauth_flows(hass) == []
    assert owners in simulator.activities
    assert shared_entry.state is ConfigEntryState.LOADED
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_hidden_activity(
    hass: HomeAssistant, shared_entry: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """A server that hides someone else's activity (404): not found, no reauth."""
    simulator.shared_users.refusal_status = 404
    owners = simulator.start_activity(cancellable=True)
    with pytest.raises(ServiceValidationError) as err:
        await _cancel(hass, shared_entry, owners)
    assert err.value.translation_key == "activity_not_found"
    assert _reauth_flows(hass) == []


async def test_revoked_share_still_reauthenticates(
    hass: HomeAssistant, shared_entry: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """When the server is no longer shared, a refused cancel asks to sign in again."""
    owners = simulator.start_activity(cancellable=True)
    simulator.shared_users.remove(SHARED_TOKEN)
    with pytest.raises(HomeAssistantError) as err:
        await _cancel(hass, shared_entry, owners)
    assert err.value.translation_key == "cancel_auth_failed"
    await hass.async_block_till_done()
    assert SOURCE_REAUTH in _reauth_flows(hass)


async def test_share_ended_while_listening(
    hass: HomeAssistant,
    shared_entry: MockConfigEntry,
    simulator: PlexSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The owner stops sharing: the channel closes and its resync asks to sign in."""
    del shared_entry
    simulator.stop_sharing(SHARED_TOKEN)
    await simulator.wait_for_websocket_count(0, timeout=5.0)
    await wait_for(hass, lambda: SOURCE_REAUTH in _reauth_flows(hass))
    assert _reauth_flows(hass) == [SOURCE_REAUTH]
    # One line, the documented re-authentication one; the token is in none.
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert "rejected the token" in errors[0]
    assert SHARED_TOKEN not in caplog.text


async def test_owners_work_is_not_allowed(
    hass: HomeAssistant, shared_entry: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """Scanning a shared server's library is refused clearly, without reauth."""
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "scan_library",
            {"config_entry_id": shared_entry.entry_id, "library": "1"},
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "action_not_allowed"
    await hass.async_block_till_done()
    assert _reauth_flows(hass) == []
    assert not simulator.library_ops.scanning()
