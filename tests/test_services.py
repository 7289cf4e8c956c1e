"""The plex_activities.cancel action: every way it is called and every way it fails."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE
from homeassistant.core import Context, Event, EventStateChangedData, HomeAssistant
from homeassistant.exceptions import (
    HomeAssistantError,
    ServiceValidationError,
    Unauthorized,
)
import pytest
import voluptuous as vol

from custom_components.plex_activities.const import DOMAIN, SERVICE_CANCEL
from plex_simulator.faults import PathFault
from tests.helpers import activity_entity_id, settle, wait_for

if TYPE_CHECKING:
    from homeassistant.auth.models import User
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from plex_simulator import PlexSimulator


async def cancel(
    hass: HomeAssistant, data: dict[str, object], **kwargs: object
) -> None:
    """Call the cancel action and wait for it."""
    await hass.services.async_call(
        DOMAIN, SERVICE_CANCEL, data, blocking=True, **kwargs
    )


async def cancel_uuid(
    hass: HomeAssistant, entry: MockConfigEntry, uuid: str, **kwargs: object
) -> None:
    """Call the cancel action with an entry and an activity's uuid, as automations do."""
    await cancel(
        hass, {"config_entry_id": entry.entry_id, "activity_id": uuid}, **kwargs
    )


@pytest.fixture
async def uuid(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> str:
    """Start a cancellable activity, wait until Home Assistant has it; its uuid."""
    started = simulator.start_activity(cancellable=True)
    await settle(hass, simulator)
    return started


async def test_cancel_by_entity(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """Cancelling through the sensor ends the activity on Plex and removes the entity."""
    uuid = simulator.start_activity(title="Scanning Movies", cancellable=True)
    await settle(hass, simulator)
    entity_id = activity_entity_id(hass, uuid)
    await cancel(hass, {ATTR_ENTITY_ID: entity_id})
    await settle(hass, simulator)
    assert uuid not in simulator.activities
    assert hass.states.get(entity_id) is None
    assert activity_entity_id(hass, uuid) is None
    deletes = [r for r in simulator.requests if r.method == "DELETE"]
    assert [r.path for r in deletes] == [f"/activities/{uuid}"]


async def test_cancel_by_uuid(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """Automations can cancel with the uuid from an event and the config entry."""
    uuid = simulator.start_activity(title="Analyzing", cancellable=True)
    await settle(hass, simulator)
    await cancel_uuid(hass, init_integration, uuid)
    await settle(hass, simulator)
    assert uuid not in simulator.activities
    assert activity_entity_id(hass, uuid) is None


async def test_not_cancellable(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """A non-cancellable activity is a validation error, checked before any request."""
    uuid = simulator.start_activity(title="Refreshing", cancellable=False)
    await settle(hass, simulator)
    simulator.clear_requests()
    with pytest.raises(ServiceValidationError) as err:
        await cancel(hass, {ATTR_ENTITY_ID: activity_entity_id(hass, uuid)})
    assert err.value.translation_key == "not_cancellable"
    assert simulator.requests == []
    assert uuid in simulator.activities


async def test_not_cancellable_on_server(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
    uuid: str,
) -> None:
    """If Plex itself answers 400 (it changed its mind), that is a validation error."""
    simulator.set_activities_silently(
        [{**simulator.activities[uuid], "cancellable": False}]
    )
    await cancel_error(hass, init_integration, uuid, "not_cancellable")
    assert uuid in simulator.activities


async def cancel_error(
    hass: HomeAssistant, entry: MockConfigEntry, uuid: str, key: str
) -> None:
    """Cancel by uuid and expect a validation error with `key`."""
    with pytest.raises(ServiceValidationError) as err:
        await cancel_uuid(hass, entry, uuid)
    assert err.value.translation_key == key


async def test_already_finished(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
    uuid: str,
) -> None:
    """An activity that ended before the cancel (404) is removed once, with a clear error."""
    entity_id = activity_entity_id(hass, uuid)
    # It ends on the server, but the notification has not arrived yet.
    simulator.set_activities_silently([])
    await cancel_error(hass, init_integration, uuid, "activity_not_found")
    await hass.async_block_till_done()
    assert hass.states.get(entity_id) is None
    # A second cancel is a clean error too.
    await cancel_error(hass, init_integration, uuid, "activity_not_found")


async def test_double_cancel(
    hass: HomeAssistant, init_integration: MockConfigEntry, uuid: str
) -> None:
    """The second of two cancels says the activity already finished."""
    await cancel_uuid(hass, init_integration, uuid)
    await cancel_error(hass, init_integration, uuid, "activity_not_found")


async def test_auth_failure_starts_reauth(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
    uuid: str,
) -> None:
    """A rejected token is a Home Assistant error and starts re-authentication."""
    simulator.revoke_token("rotated")
    with pytest.raises(HomeAssistantError) as err:
        await cancel_uuid(hass, init_integration, uuid)
    assert err.value.translation_key == "cancel_auth_failed"
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [f["context"]["source"] for f in flows] == [SOURCE_REAUTH]


async def test_unreachable(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
    uuid: str,
) -> None:
    """A server error is a Home Assistant error naming the problem."""
    simulator.rest_failure_status = 502
    with pytest.raises(HomeAssistantError) as err:
        await cancel_uuid(hass, init_integration, uuid)
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key == "cancel_failed"
    assert "HTTP 502" in str(err.value)


EVENT = "event.plex_simulator_activity"


async def lose_server(
    hass: HomeAssistant, entry: MockConfigEntry, sim: PlexSimulator
) -> None:
    """Take Plex away until a poll marks it unavailable, with no notification channel."""
    coordinator = entry.runtime_data
    sim.websocket_enabled = sim.eventsource.enabled = False
    sim.rest_failure_status = 503
    await sim.drop_websockets()
    await wait_for(hass, lambda: not coordinator.listener.stats.connected)
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get(EVENT).state == STATE_UNAVAILABLE
    sim.rest_failure_status = None  # Plex answers again; no poll has noticed


async def cancel_seen_by_automations(
    hass: HomeAssistant, entry: MockConfigEntry, uuid: str
) -> None:
    """Cancel; the `ended` must fire once, on an available event entity."""
    seen: list[tuple[str, str | None]] = []

    def record(event: Event[EventStateChangedData]) -> None:
        old, new = event.data["old_state"], event.data["new_state"]
        if new is not None and new.entity_id == EVENT:
            seen.append((old.state if old else "", new.attributes.get("event_type")))

    entity_id = activity_entity_id(hass, uuid)
    unsubscribe = hass.bus.async_listen("state_changed", record)
    await cancel_uuid(hass, entry, uuid)
    await hass.async_block_till_done()
    unsubscribe()
    state = hass.states.get(EVENT)
    assert state.state != STATE_UNAVAILABLE
    assert (state.attributes["event_type"], state.attributes["uuid"]) == ("ended", uuid)
    assert state.attributes["cancelled"] is True
    # Automations ignore a change from unavailable: the one `ended` is not such.
    ended_after = [old for old, kind in seen if kind == "ended"]
    assert len(ended_after) == 1
    assert ended_after[0] != STATE_UNAVAILABLE
    assert hass.states.get(entity_id) is None
    assert activity_entity_id(hass, uuid) is None


async def test_cancel_while_the_server_is_unavailable(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """A cancel while Plex is marked unavailable ends the activity where automations see it.

    Found by the chaos soak: with no notification channel up and the last poll failed,
    the event entity is unavailable. A cancel that Plex then accepted ended the activity
    at once, so its `ended` fired on the unavailable entity and reached no automation
    (they ignore changes from unavailable). Without notifications, REST tells.
    """
    uuid = simulator.start_activity(title="Scanning Movies", cancellable=True)
    await settle(hass, simulator)
    await lose_server(hass, init_integration, simulator)
    await cancel_seen_by_automations(hass, init_integration, uuid)


async def test_cancel_between_a_reconnect_and_its_resync(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A cancel right after the notifications came back ends it where automations see it.

    Found by the chaos soak: the notifications count as connected before their
    resync says Plex is back; the event entity is available from then on, but its
    last state is still unavailable. Ended at once, the activity's `ended` was the
    entity's first state after unavailable, which automations ignore.
    """
    uuid = simulator.start_activity(title="Scanning Movies", cancellable=True)
    await settle(hass, simulator)
    listener = init_integration.runtime_data.listener
    monkeypatch.setattr(listener, "_sleep", lambda _delay: asyncio.sleep(0.01))
    await lose_server(hass, init_integration, simulator)
    simulator.route_faults.set("/activities", PathFault(delay=1.0))  # a slow resync
    simulator.websocket_enabled = True
    await wait_for(hass, lambda: listener.stats.connected)
    assert not init_integration.runtime_data.last_update_success
    await cancel_seen_by_automations(hass, init_integration, uuid)


async def test_bad_targets(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """No target, a non-activity entity, or an unknown entry are validation errors."""
    with pytest.raises(ServiceValidationError) as err:
        await cancel(hass, {})
    assert err.value.translation_key == "missing_target"
    with pytest.raises(ServiceValidationError) as err:
        await cancel(hass, {ATTR_ENTITY_ID: "sensor.plex_simulator_activities"})
    assert err.value.translation_key == "not_an_activity"
    with pytest.raises(ServiceValidationError) as err:
        await cancel(hass, {ATTR_ENTITY_ID: "sensor.does_not_exist"})
    assert err.value.translation_key == "not_an_activity"
    with pytest.raises(ServiceValidationError) as err:
        await cancel(hass, {ATTR_ENTITY_ID: "event.plex_simulator_activity"})
    assert err.value.translation_key == "not_an_activity"
    with pytest.raises(ServiceValidationError):
        await cancel(hass, {"config_entry_id": "nope", "activity_id": "x"})
    with pytest.raises(vol.Invalid, match="inclusion"):
        await cancel(hass, {"activity_id": "x"})


async def test_admin_only(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
    uuid: str,
    hass_read_only_user: User,
) -> None:
    """A non-admin user may not cancel activities."""
    with pytest.raises(Unauthorized):
        await cancel_uuid(
            hass,
            init_integration,
            uuid,
            context=Context(user_id=hass_read_only_user.id),
        )
    assert uuid in simulator.activities
