"""Assertions shared by the reliability tests."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from tests.helpers import activity_entity_id, activity_sensor_ids, registered_uuids

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    import pytest
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from plex_simulator import PlexSimulator

SUMMARY = "sensor.plex_simulator_activities"
EVENT = "event.plex_simulator_activity"


def assert_mirrors_server(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """Home Assistant shows exactly the server's activities: none missing, none extra."""
    server = simulator.activities
    assert sorted(registered_uuids(hass, entry)) == sorted(server)  # no ghost, no twin
    assert set(entry.runtime_data.activities) == set(server)
    activity_states = activity_sensor_ids(hass)
    assert activity_states == {activity_entity_id(hass, uuid) for uuid in server}
    for uuid, activity in server.items():
        state = hass.states.get(activity_entity_id(hass, uuid))
        assert state.state == str(activity["progress"])
        assert state.attributes["title"] == activity["title"]
    assert hass.states.get(SUMMARY).state == str(len(server))


def our_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Return the log records of the integration."""
    return [r for r in caplog.records if r.name.startswith("custom_components")]


def our_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return the integration's log messages at WARNING and above."""
    return [r.getMessage() for r in our_records(caplog) if r.levelno >= logging.WARNING]
