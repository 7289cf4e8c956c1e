"""The automation blueprint: Home Assistant's blueprint schema, and what it does."""

from __future__ import annotations

import asyncio
from pathlib import Path
import shutil
from typing import TYPE_CHECKING, Any

from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint.models import Blueprint
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict
import pytest
from pytest_homeassistant_custom_component.common import async_mock_service

from tests.helpers import frames_applied

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.core import HomeAssistant, ServiceCall
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from plex_simulator import PlexSimulator

BLUEPRINT = (
    Path(__file__).resolve().parent.parent
    / "blueprints/automation/plex_activities/notify_when_finished.yaml"
)
EVENT_ENTITY = "event.plex_server_activity"


def test_blueprint_schema() -> None:
    """The file passes Home Assistant's automation blueprint schema."""
    blueprint = Blueprint(
        load_yaml_dict(BLUEPRINT),
        path=str(BLUEPRINT),
        expected_domain="automation",
        schema=AUTOMATION_BLUEPRINT_SCHEMA,
    )
    assert blueprint.name == "Notify when a Plex activity finishes"
    assert set(blueprint.inputs) == {
        "event_entity",
        "activity_types",
        "library",
        "notify_action",
    }
    selector = blueprint.inputs["event_entity"]["selector"]["entity"]
    assert selector["filter"] == [
        {"integration": "plex_activities", "domain": ["event"]}
    ]
    # Only the event entity is required.
    assert all(
        "default" in spec
        for name, spec in blueprint.inputs.items()
        if name != "event_entity"
    )


@pytest.fixture
async def notifications(
    hass: HomeAssistant, tmp_path: Path, request: pytest.FixtureRequest
) -> list[ServiceCall]:
    """Set up an automation from the blueprint with the inputs of the test."""
    inputs: dict[str, Any] = getattr(request, "param", {})
    hass.config.config_dir = str(tmp_path)
    folder = tmp_path / "blueprints/automation/plex_activities"
    folder.mkdir(parents=True)
    shutil.copy(BLUEPRINT, folder / BLUEPRINT.name)
    calls = async_mock_service(hass, "test", "notify")
    hass.states.async_set(EVENT_ENTITY, "unknown")
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "use_blueprint": {
                    "path": f"plex_activities/{BLUEPRINT.name}",
                    "input": {
                        "event_entity": EVENT_ENTITY,
                        "notify_action": [
                            {
                                "action": "test.notify",
                                "data": {"message": "{{ message }}"},
                            }
                        ],
                        **inputs,
                    },
                }
            }
        },
    )
    await hass.async_block_till_done()
    return calls


async def _fire(
    hass: HomeAssistant,
    event_type: str,
    *,
    activity_type: str = "library.update.section",
    library: str | None = "Movies",
    title: str = "Scanning Movies",
    duration: float | None = 125.4,
) -> None:
    attributes: dict[str, Any] = {
        "event_type": event_type,
        "event_types": ["started", "ended"],
        "activity_type": activity_type,
        "title": title,
        "library": library,
    }
    if event_type == "ended":
        attributes["duration"] = duration
    # The event entity's state is the time of its last event: a new one every time.
    _fire.count = getattr(_fire, "count", 0) + 1
    hass.states.async_set(
        EVENT_ENTITY, f"2026-11-23T10:00:{_fire.count % 60:02d}+00:00", attributes
    )
    await hass.async_block_till_done()


async def test_notifies_when_an_activity_ends(
    hass: HomeAssistant, notifications: list[ServiceCall]
) -> None:
    """An end notifies with a readable message; a start does not."""
    await _fire(hass, "started")
    assert notifications == []
    await _fire(hass, "ended")
    assert [call.data["message"] for call in notifications] == [
        "Scanning Movies finished after 2 min"
    ]
    await _fire(hass, "ended", title="Optimizing database", duration=3.2)
    assert notifications[-1].data["message"] == "Optimizing database finished after 3 s"


async def test_unavailable_is_not_an_event(
    hass: HomeAssistant, notifications: list[ServiceCall]
) -> None:
    """The event entity coming back after an outage does not notify."""
    await _fire(hass, "ended")
    hass.states.async_set(EVENT_ENTITY, "unavailable")
    await hass.async_block_till_done()
    hass.states.async_set(
        EVENT_ENTITY,
        "2026-11-23T10:00:00+00:00",
        {"event_type": "ended", "title": "Scanning Movies"},
    )
    await hass.async_block_till_done()
    assert len(notifications) == 1


@pytest.mark.parametrize(
    "notifications",
    [{"activity_types": ["media.generate", "butler"], "library": " movies "}],
    indirect=True,
)
async def test_filters(hass: HomeAssistant, notifications: list[ServiceCall]) -> None:
    """Type filters match by prefix; the library filter ignores case and spaces."""
    await _fire(hass, "ended")  # a library scan: not selected
    await _fire(hass, "ended", activity_type="media.generate.credits", library="TV")
    assert notifications == []
    await _fire(
        hass, "ended", activity_type="media.generate.credits", title="Detecting credits"
    )
    assert [call.data["message"] for call in notifications] == [
        "Detecting credits finished after 2 min"
    ]


SCAN_BLUEPRINT = BLUEPRINT.with_name("scan_and_notify.yaml")


def test_scan_blueprint_schema() -> None:
    """The scan blueprint passes Home Assistant's automation blueprint schema."""
    blueprint = Blueprint(
        load_yaml_dict(SCAN_BLUEPRINT),
        path=str(SCAN_BLUEPRINT),
        expected_domain="automation",
        schema=AUTOMATION_BLUEPRINT_SCHEMA,
    )
    assert blueprint.name == "Scan a Plex library and notify when that scan finishes"
    required = {
        name for name, spec in blueprint.inputs.items() if "default" not in spec
    }
    assert required == {"scan_trigger", "server", "library", "event_entity"}


async def _scan_automation(
    hass: HomeAssistant, tmp_path: Path, entry_id: str, **inputs: Any
) -> list[ServiceCall]:
    """Set up an automation from the scan blueprint, triggered by `test_scan` events."""
    hass.config.config_dir = str(tmp_path)
    folder = tmp_path / "blueprints/automation/plex_activities"
    folder.mkdir(parents=True)
    shutil.copy(SCAN_BLUEPRINT, folder / SCAN_BLUEPRINT.name)
    calls = async_mock_service(hass, "test", "notify")
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "use_blueprint": {
                    "path": f"plex_activities/{SCAN_BLUEPRINT.name}",
                    "input": {
                        "scan_trigger": [
                            {"trigger": "event", "event_type": "test_scan"}
                        ],
                        "server": entry_id,
                        "event_entity": "event.plex_simulator_activity",
                        "notify_action": [
                            {
                                "action": "test.notify",
                                "data": {
                                    "message": "{{ message }}",
                                    "finished": "{{ finished }}",
                                },
                            }
                        ],
                        **inputs,
                    },
                }
            }
        },
    )
    await hass.async_block_till_done()
    return calls


async def _poll(condition: Callable[[], object]) -> None:
    """Wait for `condition` without waiting for Home Assistant to be idle.

    The automation waits for the scan's end meanwhile, so Home Assistant never is.
    """
    async with asyncio.timeout(10):
        while not condition():  # noqa: ASYNC110 - a state, not an event to wait for
            await asyncio.sleep(0.01)


async def _pushed(hass: HomeAssistant, simulator: PlexSimulator) -> None:
    """Wait until the integration has applied every notification sent so far."""
    await simulator.flush()
    await _poll(lambda: frames_applied(hass, simulator))
    await asyncio.sleep(0.05)  # let the state machine and the automation react


async def _scan_started(hass: HomeAssistant, simulator: PlexSimulator) -> str:
    """Fire the trigger and return the uuid of the scan that started."""
    hass.bus.async_fire("test_scan")
    await _poll(lambda: simulator.activities)
    [uuid] = simulator.activities
    await _pushed(hass, simulator)
    return uuid


async def test_scan_blueprint_notifies_when_its_scan_ends(
    hass: HomeAssistant,
    tmp_path: Path,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
) -> None:
    """It scans the folder, ignores other activities ending, notifies at its end."""
    simulator.work.duration = None
    calls = await _scan_automation(
        hass,
        tmp_path,
        init_integration.entry_id,
        library="Movies",
        path=" /data/Movies/New ",
    )
    uuid = await _scan_started(hass, simulator)
    assert simulator.activities[uuid]["Context"] == {"librarySectionID": "1"}
    refresh = next(r for r in simulator.requests if r.path.endswith("/refresh"))
    assert refresh.query == {"path": "/data/Movies/New"}
    other = simulator.start_activity(type="butler", title="Optimize Database")
    await _pushed(hass, simulator)
    simulator.end_activity(other)
    await _pushed(hass, simulator)
    assert calls == []
    simulator.work.finish(uuid)
    await _pushed(hass, simulator)
    await _poll(lambda: calls)
    assert [(c.data["message"], c.data["finished"]) for c in calls] == [
        ("Scan of Movies finished after 0 s", True)
    ]


async def test_scan_blueprint_time_limit(
    hass: HomeAssistant,
    tmp_path: Path,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
) -> None:
    """A scan still running at the time limit is reported as not finished."""
    simulator.work.duration = None
    calls = await _scan_automation(
        hass,
        tmp_path,
        init_integration.entry_id,
        library="2",
        time_limit={"seconds": 0.2},
    )
    await _scan_started(hass, simulator)
    await _poll(lambda: calls)
    assert [(c.data["message"], c.data["finished"]) for c in calls] == [
        ("The scan of TV Shows has started, but it did not report its end", False)
    ]
