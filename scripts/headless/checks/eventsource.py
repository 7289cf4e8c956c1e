"""Live updates over the EventSource when a proxy refuses websocket upgrades."""

from __future__ import annotations

import dataclasses
import os
import secrets
import sys
from typing import TYPE_CHECKING, Any

from headless.checks.config_flow import add_integration
from headless.common import CheckError, log, wait_for
from headless.process import Process, free_port

if TYPE_CHECKING:
    from headless.context import CheckContext
    from headless.ha_client import HomeAssistantClient


async def _listener(ha: HomeAssistantClient, entry_id: str) -> dict[str, Any]:
    """Return the listener part of the entry's diagnostics."""
    _, body = await ha.request("GET", f"/api/diagnostics/config_entry/{entry_id}")
    listener: dict[str, Any] = body["data"]["listener"]
    return listener


async def live_over_eventsource(ctx: CheckContext) -> None:
    """A second simulator refuses websocket upgrades: updates still arrive live.

    It gets its own config entry; the diagnostics must show the EventSource in use,
    the websocket refused, and activity events arriving over the EventSource while
    the REST poll is the slow safety net; then the entry is removed again.
    """
    token = f"check-es-{secrets.token_hex(12)}"
    sim = Process(
        "the Plex simulator behind a websocket-refusing proxy",
        sys.executable,
        "-m",
        "plex_simulator",
        "--port",
        str(free_port()),
        "--token",
        token,
        "--name",
        "Plex Behind Proxy",
        "--machine-identifier",
        "simulated0machine0identifier0002",
        "--refuse-websocket",
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    await sim.start()
    try:
        url = (await sim.wait_for_line("Plex simulator: ", 30)).split(": ", 1)[1]
        entry_id = await add_integration(
            dataclasses.replace(ctx, sim_url=url, token=token)
        )
        ha = ctx.ha

        async def on_eventsource() -> dict[str, Any] | None:
            listener = await _listener(ha, entry_id)
            if listener["connected"] and listener["transport"] == "eventsource":
                return listener
            return None

        first = await wait_for("the EventSource to connect", on_eventsource)
        websocket = first["by_transport"]["websocket"]
        if websocket["connects"] or "HTTP 404" not in (websocket["last_error"] or ""):
            raise CheckError(f"the websocket was not refused as expected: {first}")
        start_events = first["by_transport"]["eventsource"]["events"]

        async def events_arrived() -> str | None:
            listener = await _listener(ha, entry_id)
            events = listener["by_transport"]["eventsource"]["events"]
            if listener["transport"] == "eventsource" and events >= start_events + 3:
                return f"{events - start_events} events"
            return None

        # The demo changes activities every few seconds; 30 s polling could not do it.
        arrived = await wait_for(
            "activity events over the EventSource", events_arrived, timeout=20
        )
        log(f"live over the EventSource with websocket upgrades refused: {arrived}")
        await ha.request("DELETE", f"/api/config/config_entries/entry/{entry_id}")
    finally:
        await sim.stop()
