"""The event entity fires when activities start and end."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from homeassistant.const import STATE_UNAVAILABLE, Platform
import pytest

from tests.helpers import settle

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from plex_simulator import PlexSimulator
    from tests.helpers import SnapshotEntities

EVENT = "event.plex_simulator_activity"


@pytest.mark.usefixtures("frozen_clock")
@pytest.mark.parametrize("platforms", [[Platform.EVENT]], ids=["event"])
async def test_entities(
    hass: HomeAssistant, simulator: PlexSimulator, snapshot_entities: SnapshotEntities
) -> None:
    """The event entity after an activity started: its types and the activity."""
    simulator.start_activity(
        uuid="00000000-0000-4000-8000-000000000001",
        title="Scanning Movies",
        progress=0,
        context={"librarySectionID": "1"},
    )
    await settle(hass, simulator)
    await snapshot_entities()


async def test_started_and_ended(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
) -> None:
    """Automations get the activity, its library, last progress and duration."""
    state = hass.states.get(EVENT)
    assert state is not None
    assert state.attributes["event_types"] == ["started", "ended"]

    uuid = simulator.start_activity(
        title="Scanning Movies", progress=0, context={"librarySectionID": "1"}
    )
    await settle(hass, simulator)
    # The other attributes of a `started` event are in `test_entities`' snapshot.
    state = hass.states.get(EVENT)
    assert state.attributes["event_type"] == "started"
    assert state.attributes["uuid"] == uuid
    assert "duration" not in state.attributes

    simulator.update_activity(uuid, progress=80)
    await settle(hass, simulator)
    # Pretend it started 95 s ago (moving the clock would expire in-flight timeouts).
    activities = init_integration.runtime_data.activities
    activities[uuid] = replace(
        activities[uuid], started_at=activities[uuid].started_at - timedelta(seconds=95)
    )
    simulator.end_activity(uuid)
    await settle(hass, simulator)
    state = hass.states.get(EVENT)
    assert state.attributes["event_type"] == "ended"
    assert state.attributes["uuid"] == uuid
    assert state.attributes["library"] == "Movies"
    assert 95.0 <= state.attributes["duration"] < 100.0
    assert state.attributes["progress"] == 80  # the last state the ended frame carries


async def test_events_fire_while_a_poll_failed(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
) -> None:
    """A failed poll does not hide the events the websocket still delivers.

    Found by the chaos soak (tests/soak, seed 6): after a poll failed (a 5xx, a
    timeout) the event entity was unavailable until the next good poll, so the
    `started`/`ended` events pushed meanwhile reached no automation.
    """
    earlier = simulator.start_activity(title="Scanning Music")
    await settle(hass, simulator)  # connected and resynced: frames are read
    simulator.rest_failure_status = 503
    await init_integration.runtime_data.async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get("sensor.plex_simulator_activities").state == (
        STATE_UNAVAILABLE
    )
    uuid = simulator.start_activity(title="Scanning Movies")
    await settle(hass, simulator)
    state = hass.states.get(EVENT)
    assert state.state != STATE_UNAVAILABLE
    assert (state.attributes["event_type"], state.attributes["uuid"]) == (
        "started",
        uuid,
    )
    simulator.end_activity(earlier)
    await settle(hass, simulator)
    state = hass.states.get(EVENT)
    assert (state.attributes["event_type"], state.attributes["uuid"]) == (
        "ended",
        earlier,
    )
