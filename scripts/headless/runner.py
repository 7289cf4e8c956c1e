"""The runner: start the simulator and Home Assistant, run the checks, stop, check the log."""

from __future__ import annotations

import os
from pathlib import Path
import secrets
import shutil
import sys
import time
from typing import TYPE_CHECKING

import aiohttp

from headless.checks.activities import cancel_activity, watch_activities
from headless.checks.card import check_card
from headless.checks.dashboard import dashboard_screenshot
from headless.checks.eventsource import live_over_eventsource
from headless.checks.log import check_log
from headless.checks.scan import start_and_follow_scans
from headless.checks.signin import add_shared_server, sign_in
from headless.common import ROOT, log
from headless.context import CheckContext
from headless.ha_client import HomeAssistantClient
from headless.process import Process, free_port, make_config_dir

if TYPE_CHECKING:
    import argparse


async def run_checks(ctx: CheckContext) -> None:
    """Run the checks in order (add a new one here: one call)."""
    await sign_in(ctx)
    await watch_activities(ctx)
    await cancel_activity(ctx)
    await start_and_follow_scans(ctx)
    await live_over_eventsource(ctx)
    if ctx.has_browser:
        await dashboard_screenshot(ctx)
        await check_card(ctx)
    await add_shared_server(ctx)


async def run(options: argparse.Namespace) -> None:
    """Run the whole check."""
    started = time.monotonic()
    ha_port = options.ha_port or free_port()
    sim_port = options.sim_port or free_port()
    # plex.tv's stand-in and the GDM responder run beside the simulator, on loopback.
    plextv_url, gdm_port = f"http://127.0.0.1:{free_port()}", free_port()
    token = f"check-{secrets.token_hex(12)}"
    config = make_config_dir(ha_port)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    sim = Process(
        "the Plex simulator",
        sys.executable,
        "-m",
        "plex_simulator",
        "--port",
        str(sim_port),
        "--token",
        token,
        "--scenario",
        "demo",
        "--signin",
        "--plextv-port",
        plextv_url.rsplit(":", 1)[1],
        "--gdm-port",
        str(gdm_port),
        env=env,
    )
    ha_proc = Process(
        "Home Assistant",
        sys.executable,
        str(ROOT / "scripts" / "demo_hass.py"),
        "--plextv",
        plextv_url,
        "--gdm",
        f"127.0.0.1:{gdm_port}",
        "--",
        "--config",
        str(config),
        env=env,
    )
    try:
        await sim.start()
        sim_url = (await sim.wait_for_line("Plex simulator: ", 30)).split(": ", 1)[1]
        log(f"simulator at {sim_url}")
        await ha_proc.start()
        async with aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=60)
        ) as session:
            ha = HomeAssistantClient(session, f"http://127.0.0.1:{ha_port}")
            await ha.wait_until_up(ha_proc)
            log(f"Home Assistant answers at {ha.base_url}")
            await ha.onboard(secrets.token_urlsafe(16))
            log("onboarded")
            await ha.wait_until_running()
            log("Home Assistant is running")
            await ha.accept_http_config()
            screenshot_dir = options.screenshot_dir
            await run_checks(
                CheckContext(
                    session=session,
                    ha=ha,
                    sim_url=sim_url,
                    token=token,
                    plextv_url=plextv_url,
                    cdp_url=options.cdp_url,
                    screenshot_dir=Path(screenshot_dir) if screenshot_dir else None,
                )
            )
            await ha.wait_for_settled_entries()
    finally:
        status = await ha_proc.stop()
        log(f"Home Assistant stopped (exit status {status})")
        await sim.stop()
    check_log(ha_proc, config, token)
    if options.keep_config:
        log(f"configuration kept in {config}")
    else:
        shutil.rmtree(config, ignore_errors=True)
    log(f"all checks passed in {time.monotonic() - started:.0f} s")
