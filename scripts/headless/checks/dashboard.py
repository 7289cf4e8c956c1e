"""The demo dashboard in a real browser: it renders, and its screenshot is taken."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from headless.browser import save_screenshot
from headless.common import CheckError

if TYPE_CHECKING:
    from headless.context import CheckContext

DASHBOARD_PATH = "/dashboard-plex/0"


async def dashboard_screenshot(ctx: CheckContext) -> None:
    """Open the demo dashboard logged in and capture ``screenshot-dashboard.png``."""
    async with ctx.page(DASHBOARD_PATH) as browser:
        # The frontend renders after its websocket connects; give the cards time.
        await asyncio.sleep(10)
        where = await browser.evaluate("location.pathname")
        if where != DASHBOARD_PATH:
            raise CheckError(f"the browser ended up at {where}, not the dashboard")
        await save_screenshot(browser, ctx.screenshot_path("screenshot-dashboard.png"))
