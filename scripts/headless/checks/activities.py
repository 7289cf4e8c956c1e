"""Activity sensors appear and move, the event entity fires, an activity is cancelled."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from headless.common import DOMAIN, CheckError, log, wait_for

if TYPE_CHECKING:
    from headless.context import CheckContext
    from headless.ha_client import HomeAssistantClient


async def activity_sensors(
    ha: HomeAssistantClient,
) -> dict[str, dict[str, Any]]:
    """Return the integration's per-activity sensors (those with an activity uuid)."""
    return await integration_sensors(ha, "uuid")


async def integration_sensors(
    ha: HomeAssistantClient, attribute: str
) -> dict[str, dict[str, Any]]:
    """Return the integration's sensors that have `attribute`, by entity id."""
    entities = set(await ha.integration_entities())
    return {
        entity_id: state
        for entity_id, state in (await ha.states()).items()
        if entity_id in entities
        and entity_id.startswith("sensor.")
        and attribute in state["attributes"]
    }


async def watch_activities(ctx: CheckContext) -> None:
    """Wait for activity sensors, a progress change and an event."""
    ha = ctx.ha
    first = await wait_for("activity sensors", lambda: activity_sensors(ha))
    log(
        f"{len(first)} activity sensors: "
        + ", ".join(f"{e}={s['state']}" for e, s in sorted(first.items()))
    )

    async def progress_moved() -> str | None:
        now = await activity_sensors(ha)
        for entity_id, state in now.items():
            if entity_id in first and state["state"] != first[entity_id]["state"]:
                return f"{entity_id}: {first[entity_id]['state']} -> {state['state']}"
        return None

    log(f"progress moved: {await wait_for('a progress change', progress_moved)}")

    summary = sorted((await integration_sensors(ha, "activities")).items())
    entities = await ha.integration_entities()
    events = [e for e in entities if e.startswith("event.")]
    if not summary or not events:
        raise CheckError(
            f"missing the Activities sensor or the event entity: {sorted(entities)}"
        )
    log(f"summary sensor {summary[0][0]} = {summary[0][1]['state']}")
    await wait_for(
        "the event entity to fire",
        lambda: _event_fired(ha, events[0]),
    )
    log(f"event entity {events[0]} fired")


async def cancel_activity(ctx: CheckContext) -> None:
    """Cancel a cancellable activity and wait for its sensor to disappear."""
    ha = ctx.ha

    async def cancel_one() -> str | None:
        for entity_id, state in (await activity_sensors(ha)).items():
            if state["attributes"].get("cancellable") is not True:
                continue
            status, body = await ha.request(
                "POST",
                f"/api/services/{DOMAIN}/cancel",
                json_body={"entity_id": entity_id},
                ok=(200, 400),
            )
            if status == 200:
                return entity_id
            # It may have ended on its own just before; try another one.
            log(f"cancel {entity_id} refused ({body}); trying another")
        return None

    cancelled = await wait_for("a cancellable activity to cancel", cancel_one)
    log(f"cancelled {cancelled}")

    async def gone() -> bool:
        status, _ = await ha.request("GET", f"/api/states/{cancelled}", ok=(200, 404))
        return status == 404

    await wait_for(f"{cancelled} to disappear", gone, timeout=30, interval=0.5)
    log(f"{cancelled} disappeared")


async def _event_fired(ha: HomeAssistantClient, entity_id: str) -> bool:
    _, state = await ha.request("GET", f"/api/states/{entity_id}")
    return state["attributes"].get("event_type") in {"started", "ended"}
