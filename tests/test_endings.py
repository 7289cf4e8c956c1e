"""What activities tell: the `ended` event's Response and canceller, their Context."""

from __future__ import annotations

from typing import TYPE_CHECKING

from custom_components.plex_activities.attributes import UNRECORDED_ATTRIBUTES
from custom_components.plex_activities.const import DOMAIN
from tests.helpers import activity_entity_id, settle

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from plex_simulator import PlexSimulator

EVENT = "event.plex_simulator_activity"


async def test_ended_carries_response_and_context(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """A scan that finishes on its own: its Response and Context, not cancelled."""
    simulator.work.duration = None
    await hass.services.async_call(
        DOMAIN,
        "scan_library",
        {"config_entry_id": init_integration.entry_id, "library": "Music"},
        blocking=True,
    )
    [uuid] = simulator.activities
    await settle(hass, simulator)
    state = hass.states.get(EVENT)
    assert state is not None
    assert state.attributes["event_type"] == "started"
    assert "response" not in state.attributes
    simulator.work.finish(uuid)
    await settle(hass, simulator)
    state = hass.states.get(EVENT)
    assert state is not None
    assert state.attributes["event_type"] == "ended"
    assert state.attributes["uuid"] == uuid
    assert state.attributes["response"] == {
        "librarySectionID": "3",
        "forced": False,
        "path": "",
    }
    assert state.attributes["library_id"] == "3"
    assert state.attributes["context"] == {}
    assert state.attributes["cancelled"] is False


async def test_ended_says_cancelled_from_home_assistant(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """Cancelling from Home Assistant shows in the `ended` event; later ends do not."""
    first = simulator.start_activity(
        cancellable=True, context={"key": "/x", "paths": ["/a", "/b"]}
    )
    second = simulator.start_activity(cancellable=True)
    await settle(hass, simulator)
    await hass.services.async_call(
        DOMAIN,
        "cancel",
        {"config_entry_id": init_integration.entry_id, "activity_id": first},
        blocking=True,
    )
    await settle(hass, simulator)
    state = hass.states.get(EVENT)
    assert state is not None
    assert (state.attributes["uuid"], state.attributes["cancelled"]) == (first, True)
    assert state.attributes["context"] == {"key": "/x"}
    assert state.attributes["context_details"] == {"paths": ["/a", "/b"]}
    assert state.attributes["response"] == {}
    simulator.end_activity(second)
    await settle(hass, simulator)
    state = hass.states.get(EVENT)
    assert state is not None
    assert (state.attributes["uuid"], state.attributes["cancelled"]) == (second, False)


async def test_sensor_attributes_split_context(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """Context keys besides the library show; bulky ones apart (not recorded)."""
    long_text = "x" * 101
    uuid = simulator.start_activity(
        type="library.refresh.items",
        context={
            "librarySectionID": "1",
            "key": "/library/metadata/16417/children",
            "refreshed": True,
            "note": long_text,
        },
    )
    await settle(hass, simulator)
    entity_id = activity_entity_id(hass, uuid)
    assert entity_id is not None
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.attributes["library_id"] == "1"
    assert state.attributes["context"] == {
        "key": "/library/metadata/16417/children",
        "refreshed": True,
    }
    assert state.attributes["context_details"] == {"note": long_text}
    assert "context_details" in UNRECORDED_ATTRIBUTES
