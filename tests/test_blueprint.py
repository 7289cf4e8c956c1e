"""The automation blueprint: Home Assistant's blueprint schema, and what it does."""

from __future__ import annotations

from pathlib import Path
import shutil
from typing import TYPE_CHECKING, Any

from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint.models import Blueprint
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict
import pytest
from pytest_homeassistant_custom_component.common import async_mock_service

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant, ServiceCall

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
