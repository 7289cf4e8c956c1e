"""One activity, one set of attribute keys: sensor, Activities list, event, diagnostics."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.const import ATTR_FRIENDLY_NAME, ATTR_UNIT_OF_MEASUREMENT

from custom_components.plex_activities.diagnostics import (
    async_get_config_entry_diagnostics,
)
from tests.helpers import activity_entity_id, settle

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from plex_simulator import PlexSimulator

SUMMARY = "sensor.plex_simulator_activities"
EVENT = "event.plex_simulator_activity"
ACTIVITY_KEYS = {
    "uuid",
    "activity_type",
    "title",
    "subtitle",
    "progress",
    "cancellable",
    "user_id",
    "library",
    "library_id",
    "started_at",
    "context",
    "context_details",
}
LISTED_KEYS = ACTIVITY_KEYS - {"context", "context_details"}


async def test_same_keys_and_values_everywhere(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """Each view shows the same activity attributes, adding only what is its own."""
    uuid = simulator.start_activity(
        title="Scanning Movies",
        subtitle="Alien",
        progress=40,
        cancellable=True,
        user_id=7,
        context={"librarySectionID": "1"},
    )
    await settle(hass, simulator)
    entity_id = activity_entity_id(hass, uuid)
    sensor = hass.states.get(entity_id)
    [listed] = hass.states.get(SUMMARY).attributes["activities"]
    event = dict(hass.states.get(EVENT).attributes)
    [diagnosed] = (await async_get_config_entry_diagnostics(hass, init_integration))[
        "activities"
    ]

    # The list leaves out Plex's Context (see activity_attributes); the others show it.
    shown = {key: listed.get(key, {}) for key in ACTIVITY_KEYS}
    assert shown == {
        "uuid": uuid,
        "activity_type": "library.update.section",
        "title": "Scanning Movies",
        "subtitle": "Alien",
        "progress": 40,
        "cancellable": True,
        "user_id": 7,
        "library": "Movies",
        "library_id": "1",
        "started_at": shown["started_at"],
        "context": {},
        "context_details": {},
    }
    assert set(listed) == LISTED_KEYS | {"entity_id"}
    assert listed["entity_id"] == entity_id
    sensor_keys = set(sensor.attributes) - {
        ATTR_FRIENDLY_NAME,
        ATTR_UNIT_OF_MEASUREMENT,
    }
    assert sensor_keys == ACTIVITY_KEYS - {"progress"}  # the progress is its state
    assert sensor.state == "40"
    assert {k: v for k, v in event.items() if k in ACTIVITY_KEYS} == shown
    assert set(event) == ACTIVITY_KEYS | {
        "event_type",
        "event_types",
        ATTR_FRIENDLY_NAME,
    }
    # Diagnostics show Plex's Context as it came, the library included.
    assert diagnosed["context"] == {"librarySectionID": "1"}
    assert {k: v for k, v in diagnosed.items() if k in ACTIVITY_KEYS - {"context"}} == {
        k: v for k, v in shown.items() if k != "context"
    }
    assert set(diagnosed) == ACTIVITY_KEYS | {"response"}


async def test_recorded_as_before(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """The history database keeps the same attributes of each entity as it always did."""
    uuid = simulator.start_activity(title="Scanning Movies")
    await settle(hass, simulator)

    def recorded(entity_id: str | None) -> set[str]:
        state = hass.states.get(entity_id or "")
        assert state is not None
        assert state.state_info is not None
        unrecorded = state.state_info["unrecorded_attributes"]
        return set(state.attributes) - unrecorded - {ATTR_FRIENDLY_NAME}

    assert recorded(activity_entity_id(hass, uuid)) == {
        "activity_type",
        "title",
        "cancellable",
        "library",
        "library_id",
        "context",  # its short values; the bulky ones are in context_details
        ATTR_UNIT_OF_MEASUREMENT,
    }
    assert recorded(EVENT) == {
        "event_type",
        "uuid",
        "activity_type",
        "title",
        "subtitle",
        "library",
        "library_id",
        "progress",
        "context",
    }
    assert "activities" not in recorded(SUMMARY)
