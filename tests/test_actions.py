"""The scan_library and run_task actions: every path, the activity they return, errors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import (
    HomeAssistantError,
    ServiceValidationError,
    Unauthorized,
)
import pytest

from custom_components.plex_activities import starting
from custom_components.plex_activities.api import ButlerTask, LibrarySection
from custom_components.plex_activities.const import DOMAIN
from plex_simulator import Library
from tests.helpers import settle, wait_for

if TYPE_CHECKING:
    from homeassistant.auth.models import User
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from plex_simulator import PlexSimulator

SCAN = "library.update.section"


async def act(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    action: str,
    data: dict[str, Any],
    **kwargs: Any,
) -> dict[str, Any]:
    """Call an action of the integration for `entry` and return its response."""
    response = await hass.services.async_call(
        DOMAIN,
        action,
        {"config_entry_id": entry.entry_id, **data},
        blocking=True,
        return_response=True,
        **kwargs,
    )
    assert response is not None
    return dict(response)


async def scan(
    hass: HomeAssistant, entry: MockConfigEntry, library: str, **data: Any
) -> dict[str, Any]:
    """Call scan_library."""
    return await act(hass, entry, "scan_library", {"library": library, **data})


def scans(simulator: PlexSimulator) -> list[str]:
    """Return the uuids of the simulator's running scans."""
    return [u for u, a in simulator.activities.items() if a["type"] == SCAN]


@pytest.fixture(autouse=True)
def _work_waits(simulator: PlexSimulator) -> None:
    """Started work runs until the test ends it."""
    simulator.work.duration = None


@pytest.fixture
def short_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """Look for an unnamed activity for a moment only."""
    monkeypatch.setattr(starting, "ACTIVITY_WAIT_SECONDS", 0.3)


@pytest.mark.parametrize("header", [False, True])
async def test_scan_returns_its_activity(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
    *,
    header: bool,
) -> None:
    """The uuid comes from the header, or else from the scan that starts right after."""
    simulator.work.activity_header = header
    response = await scan(hass, init_integration, "tv shows")
    [uuid] = scans(simulator)
    assert response == {"activity_id": uuid, "library": "TV Shows", "library_id": "2"}
    request = next(r for r in simulator.requests if r.path.endswith("/refresh"))
    assert (request.method, request.path, request.query) == (
        "GET",
        "/library/sections/2/refresh",
        {},
    )


async def test_scan_named_late_and_by_id(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """A scan that names its library only a moment in is still found; ids work too."""
    simulator.work.context_delay = 0.2
    response = await scan(hass, init_integration, "3")
    [uuid] = scans(simulator)
    assert response == {"activity_id": uuid, "library": "Music", "library_id": "3"}


async def test_scan_merges_into_running_scan(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """Plex merges a scan into the running one: the action returns that one."""
    running = simulator.start_activity(
        type=SCAN, title="Scanning Movies", context={"librarySectionID": "1"}
    )
    await settle(hass, simulator)
    response = await scan(hass, init_integration, "Movies")
    assert response["activity_id"] == running
    assert scans(simulator) == [running]
    # The same again, now that the integration started it itself.
    assert (await scan(hass, init_integration, "Movies"))["activity_id"] == running


async def test_scan_without_activity_returns_none(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
    monkeypatch: pytest.MonkeyPatch,
    short_wait: None,
) -> None:
    """No activity within the wait (none started): `activity_id` is null."""
    monkeypatch.setattr(simulator.library_ops, "scan", lambda *_a, **_k: "none")
    response = await scan(hass, init_integration, "Movies")
    assert response["activity_id"] is None
    assert simulator.requests[-1].path == "/activities"  # it looked once more


async def test_scan_found_over_rest_when_pushes_stall(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
    short_wait: None,
) -> None:
    """With notifications stalled, the last look over REST finds the scan."""
    simulator.websocket_silent = True
    response = await scan(hass, init_integration, "Photos")
    [uuid] = scans(simulator)
    assert response["activity_id"] == uuid
    simulator.websocket_silent = False


async def test_scan_path_and_force(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """A folder of the library and `force` reach Plex; others are refused up front."""
    await scan(hass, init_integration, "Movies", path="/data/Movies/New", force=True)
    request = next(r for r in simulator.requests if r.path.endswith("/refresh"))
    assert request.query == {"force": "1", "path": "/data/Movies/New"}
    simulator.clear_requests()
    for path in (
        "/data/Music",
        "/data/Movies/../Music",
        "data/Movies",
        "/data/Movies2",
    ):
        with pytest.raises(ServiceValidationError) as err:
            await scan(hass, init_integration, "Movies", path=path)
        assert err.value.translation_key == "path_outside_library"
    assert simulator.requests == []


@pytest.mark.parametrize(
    ("locations", "path", "allowed"),
    [
        (("D:\\Media\\Movies",), "d:\\media\\movies\\New", True),
        (("D:\\Media\\Movies",), "D:\\Media\\Other", False),
        (("/data/Movies/",), "/data/Movies", True),
        ((), "/anything", True),
    ],
)
def test_check_path(locations: tuple[str, ...], path: str, *, allowed: bool) -> None:
    """Windows folders compare without case; no known folders leaves it to Plex."""
    from custom_components.plex_activities.actions import check_path  # noqa: PLC0415

    library = LibrarySection(key="1", title="Movies", type="movie", locations=locations)
    if allowed:
        check_path(library, path)
    else:
        with pytest.raises(ServiceValidationError):
            check_path(library, path)


async def test_scan_unknown_and_new_library(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """An unknown library is a clear error; one added since setup is found."""
    with pytest.raises(ServiceValidationError) as err:
        await scan(hass, init_integration, "Concerts")
    assert err.value.translation_key == "unknown_library"
    assert err.value.translation_placeholders == {
        "wanted": "Concerts",
        "known": "Movies, TV Shows, Music, Photos",
    }
    # Plex cannot say which libraries it has now: that is the error, not "no such".
    simulator.rest_failure_status = 500
    with pytest.raises(HomeAssistantError) as failed:
        await scan(hass, init_integration, "Concerts")
    assert failed.value.translation_key == "action_failed"
    assert failed.value.translation_placeholders == {
        "error": f"{simulator.url} is not available (GET /library/sections: HTTP 500)"
    }
    simulator.rest_failure_status = None
    for status in (401, 403, 404):  # a token that may not list them: no reauth
        simulator.route_faults.fail("/library/sections", status)
        with pytest.raises(ServiceValidationError) as err:
            await scan(hass, init_integration, "Concerts")
        assert err.value.translation_key == "libraries_unavailable"
    simulator.route_faults.heal()
    assert not hass.config_entries.flow.async_progress()
    simulator.libraries = [
        *simulator.libraries,
        Library(key="9", title="Concerts", type="movie"),
    ]
    response = await scan(hass, init_integration, "concerts")
    assert response["library_id"] == "9"


async def test_scan_library_gone_on_server(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """A library removed on the server since it was listed: Plex's 404, translated."""
    simulator.libraries = simulator.libraries[1:]
    with pytest.raises(ServiceValidationError) as err:
        await scan(hass, init_integration, "Movies")
    assert err.value.translation_key == "library_not_found"


@pytest.mark.parametrize(
    ("status", "key"), [(500, "action_failed"), (401, "action_auth_failed")]
)
async def test_server_refuses(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
    status: int,
    key: str,
) -> None:
    """A server error or a rejected token are translated errors; 401 starts reauth."""
    simulator.rest_failure_status = status
    for action, data in (
        ("scan_library", {"library": "1"}),
        ("run_task", {"task": "x"}),
    ):
        with pytest.raises(HomeAssistantError) as err:
            await act(hass, init_integration, action, data)
        assert not isinstance(err.value, ServiceValidationError)
        assert err.value.translation_key == key
    simulator.rest_failure_status = None
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [f["context"]["source"] for f in flows] == (
        [SOURCE_REAUTH] if status == 401 else []
    )


async def test_admin_only(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
    hass_read_only_user: User,
) -> None:
    """Only administrators may start work on Plex."""
    for action, data in (
        ("scan_library", {"library": "1"}),
        ("run_task", {"task": "BackupDatabase"}),
    ):
        with pytest.raises(Unauthorized):
            await act(
                hass,
                init_integration,
                action,
                data,
                context=Context(user_id=hass_read_only_user.id),
            )
    assert simulator.activities == {}


@pytest.mark.parametrize("header", [False, True])
async def test_run_task(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
    *,
    header: bool,
) -> None:
    """A task starts (200) or runs already (202); both name its activity."""
    simulator.work.activity_header = header
    response = await act(hass, init_integration, "run_task", {"task": "BackupDatabase"})
    [uuid] = simulator.activities
    assert response == {"status": "started", "activity_id": uuid}
    request = simulator.requests[-1] if header else None
    if request is not None:
        assert (request.method, request.path) == ("POST", "/butler/BackupDatabase")
    await settle(hass, simulator)
    again = await act(hass, init_integration, "run_task", {"task": "backup database"})
    assert again == {"status": "already_running", "activity_id": uuid}


async def test_run_task_without_activity(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
    monkeypatch: pytest.MonkeyPatch,
    short_wait: None,
) -> None:
    """No activity appears: started, with a null activity_id."""
    monkeypatch.setattr(simulator.butler, "run", lambda _task: "none")
    response = await act(
        hass, init_integration, "run_task", {"task": "CleanOldBundles"}
    )
    assert response == {"status": "started", "activity_id": None}


async def test_run_task_errors(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """Unknown names list the server's tasks; a 404 from Plex is translated."""
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, init_integration, "run_task", {"task": "Defragment"})
    assert err.value.translation_key == "unknown_task"
    assert (
        "BackupDatabase, OptimizeDatabase"
        in err.value.translation_placeholders["known"]
    )
    coordinator = init_integration.runtime_data
    with pytest.raises(ServiceValidationError) as err:
        await starting.async_run_task(
            coordinator, ButlerTask(name="Gone", title="Gone")
        )
    assert err.value.translation_key == "task_not_found"
    simulator.rest_failure_status = 404
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, init_integration, "run_task", {"task": "BackupDatabase"})
    assert err.value.translation_key == "butler_unavailable"


async def test_unknown_entry(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """An entry id that is not a loaded Plex server is a validation error."""
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            DOMAIN,
            "scan_library",
            {"config_entry_id": "nope", "library": "1"},
            blocking=True,
            return_response=True,
        )


async def test_list_activities(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
    hass_read_only_user: User,
) -> None:
    """All servers' activities, or one server's, with the Activities sensor's keys."""
    uuid = simulator.start_activity(
        title="Scanning Movies", progress=10, context={"librarySectionID": "1"}
    )
    await settle(hass, simulator)

    def summary_lists_sensor() -> bool:
        summary = hass.states.get("sensor.plex_simulator_activities")
        listed = summary.attributes["activities"] if summary else []
        return bool(listed) and listed[0]["entity_id"] is not None

    # The sensor is registered after the start was written; the list names it soon.
    await wait_for(hass, summary_lists_sensor)
    everything = await hass.services.async_call(
        DOMAIN, "list_activities", {}, blocking=True, return_response=True
    )
    one = await act(hass, init_integration, "list_activities", {})
    assert everything == one
    [listed] = one["activities"]
    summary = hass.states.get("sensor.plex_simulator_activities")
    assert summary is not None
    assert listed == {
        **summary.attributes["activities"][0],
        "config_entry_id": init_integration.entry_id,
    }
    assert (listed["uuid"], listed["library"], listed["progress"]) == (
        uuid,
        "Movies",
        10,
    )
    with pytest.raises(Unauthorized):
        await act(
            hass,
            init_integration,
            "list_activities",
            {},
            context=Context(user_id=hass_read_only_user.id),
        )
