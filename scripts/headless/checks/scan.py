"""Starting work from Home Assistant: scan_library's answer.

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


async def _entry(ha: HomeAssistantClient) -> dict[str, Any]:
    """Return the integration's config entry."""
    _, entries = await ha.request("GET", "/api/config/config_entries/entry")
    return next(e for e in entries if e["domain"] == DOMAIN)


async def scan_library_action(ctx: CheckContext) -> None:
    """Call scan_library with a response; its uuid must appear as a sensor, then end."""
    ha = ctx.ha
    # The demo's libraries; a scan already running there is joined (Plex merges them).
    library = "Music"
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
    """Scan with the action and follow that scan to its end."""
    await scan_library_action(ctx)
