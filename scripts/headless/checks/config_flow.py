"""Add the integration through the config-flow REST API."""

from __future__ import annotations

from typing import TYPE_CHECKING

from headless.common import DOMAIN, CheckError, log

if TYPE_CHECKING:
    from headless.context import CheckContext


async def add_integration(ctx: CheckContext) -> str:
    """Add the integration for the simulator through the config-flow REST API.

    Returns:
        The new config entry's id.
    """
    ha = ctx.ha
    _, flow = await ha.request(
        "POST",
        "/api/config/config_entries/flow",
        json_body={"handler": DOMAIN, "show_advanced_options": False},
    )
    if flow.get("type") != "menu" or flow.get("step_id") != "user":
        raise CheckError(f"config flow did not show the user menu: {flow}")
    _, flow = await ha.request(
        "POST",
        f"/api/config/config_entries/flow/{flow['flow_id']}",
        json_body={"next_step_id": "manual"},
    )
    if flow.get("type") != "form" or flow.get("step_id") != "manual":
        raise CheckError(f"config flow did not show the manual step: {flow}")
    _, result = await ha.request(
        "POST",
        f"/api/config/config_entries/flow/{flow['flow_id']}",
        json_body={"url": ctx.sim_url, "token": ctx.token, "verify_ssl": False},
    )
    if result.get("type") != "create_entry":
        raise CheckError(f"config flow did not create an entry: {result}")
    entry_id: str = result["result"]["entry_id"]
    log(f"config entry created: {result['title']!r} ({entry_id})")
    return entry_id
