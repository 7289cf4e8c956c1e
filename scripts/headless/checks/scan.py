"""Starting work from Home Assistant: a library's Scan button and scan_library's answer.

Pressing a library's Scan button must make a sensor for that scan appear, and
``plex_activities.scan_library`` with ``return_response`` must return the uuid of the
activity that then appears and ends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from headless.checks.activities import activity_sensors
from headless.common import DOMAIN, CheckError, log, wait_for

if TYPE_CHECKING:
    from headless.context import CheckContext
    from headless.ha_client import HomeAssistantClient

SCAN_TYPE = "library.update.section"


async def _entry(ha: HomeAssistantClient) -> dict[str, Any]:
    """Return the integration's config entry."""
    _, entries = await ha.request("GET", "/api/config/config_entries/entry")
    return next(e for e in entries if e["domain"] == DOMAIN)


async def _idle_libraries(ha: HomeAssistantClient) -> dict[str, str]:
    """Return the libraries not scanning now: name -> Scanning sensor's entity id."""
    server = (await _entry(ha))["title"]
    entities = set(await ha.integration_entities())
    states = await ha.states()
    scanning = {
        state["attributes"].get("library")
        for state in (await activity_sensors(ha)).values()
        if state["attributes"].get("activity_type") == SCAN_TYPE
    }
    idle: dict[str, str] = {}
    for entity_id in sorted(entities):
        state = states.get(entity_id)
        if not entity_id.startswith("binary_sensor.") or state is None:
            continue
        # "Plex Simulator Movies Scanning": the library's device, then the entity.
        name = state["attributes"].get("friendly_name", "")
        library = name.removeprefix(f"{server} ").removesuffix(" Scanning")
        if state["state"] == "off" and library not in scanning:
            idle[library] = entity_id
    return idle


async def _new_scan_sensor(
    ha: HomeAssistantClient, library: str, known: set[str]
) -> str | None:
    """Return a scan sensor of ``library`` whose activity is not among ``known``."""
    for entity_id, state in (await activity_sensors(ha)).items():
        attributes = state["attributes"]
        if (
            attributes.get("activity_type") == SCAN_TYPE
            and attributes.get("library") == library
            and attributes["uuid"] not in known
        ):
            return entity_id
    return None


async def press_scan_button(ctx: CheckContext) -> None:
    """Press an idle library's Scan button; a sensor for its scan must appear."""
    ha = ctx.ha
    idle = await wait_for("an idle library", lambda: _idle_libraries(ha))
    library, scanning_sensor = next(iter(idle.items()))
    button = (
        "button."
        + scanning_sensor.removeprefix("binary_sensor.").removesuffix("_scanning")
        + "_scan"
    )
    if button not in await ha.integration_entities():
        raise CheckError(f"{library} has no Scan button {button}")
    known = {s["attributes"]["uuid"] for s in (await activity_sensors(ha)).values()}
    await ha.request(
        "POST", "/api/services/button/press", json_body={"entity_id": button}
    )
    log(f"pressed {button}")
    sensor = await wait_for(
        f"a sensor for the scan of {library}",
        lambda: _new_scan_sensor(ha, library, known),
        timeout=30,
        interval=0.5,
    )
    log(f"{button} started the scan {sensor}")


async def scan_library_action(ctx: CheckContext) -> None:
    """Call scan_library with a response; its uuid must appear as a sensor, then end."""
    ha = ctx.ha
    idle = await wait_for("an idle library", lambda: _idle_libraries(ha))
    library = next(iter(idle))
    entry_id = (await _entry(ha))["entry_id"]
    _, body = await ha.request(
        "POST",
        f"/api/services/{DOMAIN}/scan_library?return_response",
        json_body={"config_entry_id": entry_id, "library": library},
    )
    response = body["service_response"]
    uuid = response.get("activity_id")
    if not uuid or response.get("library") != library:
        raise CheckError(f"scan_library({library!r}) answered {response}")
    log(f"scan_library({library!r}) returned activity {uuid}")

    async def sensor_of_uuid() -> str | None:
        for entity_id, state in (await activity_sensors(ha)).items():
            if state["attributes"].get("uuid") == uuid:
                return entity_id
        return None

    sensor = await wait_for(f"the sensor of {uuid}", sensor_of_uuid, timeout=30)
    log(f"activity {uuid} appeared as {sensor}")

    async def ended() -> bool:
        return await sensor_of_uuid() is None

    await wait_for(f"activity {uuid} to end", ended, timeout=120)
    log(f"activity {uuid} ended")


async def start_and_follow_scans(ctx: CheckContext) -> None:
    """Press a Scan button, then scan with the action and follow that scan to its end."""
    await press_scan_button(ctx)
    await scan_library_action(ctx)
