"""What every check gets: the running Home Assistant, the simulator, the browser."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from headless.browser import logged_in_page
from headless.common import CheckError

if TYPE_CHECKING:
    from contextlib import AbstractAsyncContextManager
    from pathlib import Path

    import aiohttp

    from headless.browser import Browser
    from headless.ha_client import HomeAssistantClient


@dataclass(slots=True)
class CheckContext:
    """The running set-up a check works on.

    Attributes:
        session: The HTTP session (Home Assistant, Chromium's DevTools).
        ha: Home Assistant's API, onboarded and logged in.
        sim_url: The simulator's URL, as the integration is configured with it.
        token: The simulator's Plex token (it must never show up in the log).
        plextv_url: plex.tv's stand-in (the simulator's ``--signin``).
        cdp_url: Chromium's DevTools websocket; None without a browser.
        screenshot_dir: Where screenshots go; None without a browser.
    """

    session: aiohttp.ClientSession
    ha: HomeAssistantClient
    sim_url: str
    token: str
    plextv_url: str = ""
    cdp_url: str | None = None
    screenshot_dir: Path | None = None

    @property
    def has_browser(self) -> bool:
        """Whether the browser checks run (a Chromium and a screenshot folder)."""
        return self.cdp_url is not None and self.screenshot_dir is not None

    def page(self, path: str) -> AbstractAsyncContextManager[Browser]:
        """Open a browser page, logged in, at ``path`` of Home Assistant."""
        if self.cdp_url is None:
            raise CheckError("this check needs a browser (--cdp-url)")
        return logged_in_page(self.session, self.cdp_url, self.ha, path)

    def screenshot_path(self, name: str) -> Path:
        """Return where the screenshot ``name`` (e.g. ``screenshot-card.png``) goes."""
        if self.screenshot_dir is None:
            raise CheckError("this check needs a screenshot folder (--screenshot-dir)")
        return self.screenshot_dir / name
