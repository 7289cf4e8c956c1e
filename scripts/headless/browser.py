"""A page in a running Chromium, driven over the DevTools protocol."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import time
from typing import TYPE_CHECKING, Any, Self

from headless.common import CheckError, log

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

    import aiohttp

    from headless.ha_client import HomeAssistantClient


class Browser:
    """A page in a running Chromium, driven over the DevTools protocol."""

    def __init__(self, session: aiohttp.ClientSession, cdp_url: str) -> None:
        """Remember the browser's DevTools websocket address."""
        self.session = session
        self.cdp_url = cdp_url
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.session_id: str | None = None
        self._next_id = 0

    async def __aenter__(self) -> Self:
        """Connect and open a page."""
        self.ws = await self.session.ws_connect(self.cdp_url, max_msg_size=0)
        target = await self.send(
            "Target.createTarget", {"url": "about:blank"}, page=False
        )
        attached = await self.send(
            "Target.attachToTarget",
            {"targetId": target["targetId"], "flatten": True},
            page=False,
        )
        self.session_id = attached["sessionId"]
        await self.send("Page.enable")
        await self.send("Runtime.enable")
        return self

    async def __aexit__(self, *exc: object) -> None:
        """Close the connection."""
        if self.ws is not None:
            await self.ws.close()

    async def send(
        self, method: str, params: dict[str, Any] | None = None, *, page: bool = True
    ) -> dict[str, Any]:
        """Send one command and return its result."""
        assert self.ws is not None  # noqa: S101
        self._next_id += 1
        message: dict[str, Any] = {
            "id": self._next_id,
            "method": method,
            "params": params or {},
        }
        if page:
            message["sessionId"] = self.session_id
        await self.ws.send_json(message)
        async with asyncio.timeout(60):
            async for frame in self.ws:
                data = json.loads(frame.data)
                if data.get("id") == self._next_id:
                    if "error" in data:
                        raise CheckError(f"Chromium {method}: {data['error']}")
                    return dict(data.get("result", {}))
        raise CheckError("Chromium closed the DevTools connection")

    async def evaluate(self, expression: str) -> Any:
        """Evaluate a JavaScript expression in the page and return its value."""
        result = await self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        return result.get("result", {}).get("value")

    async def goto(self, url: str) -> None:
        """Navigate and give the page a moment to load."""
        await self.send("Page.navigate", {"url": url})
        for _ in range(60):
            await asyncio.sleep(0.5)
            if await self.evaluate("document.readyState") == "complete":
                return


async def log_in(browser: Browser, ha: HomeAssistantClient) -> None:
    """Put the check's tokens where the frontend keeps them (localStorage)."""
    await browser.send(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False},
    )
    await browser.goto(f"{ha.base_url}/auth/authorize?response_type=code")
    tokens = {
        "access_token": ha.tokens["access_token"],
        "refresh_token": ha.tokens["refresh_token"],
        "token_type": "Bearer",
        "expires_in": ha.tokens["expires_in"],
        "expires": int(time.time() * 1000) + 1000 * ha.tokens["expires_in"],
        "hassUrl": ha.base_url,
        "clientId": ha.client_id,
    }
    await browser.evaluate(
        f"localStorage.setItem('hassTokens', {json.dumps(json.dumps(tokens))})"
    )


async def save_screenshot(browser: Browser, path: Path) -> None:
    """Capture the page as PNG."""
    shot = await browser.send("Page.captureScreenshot", {"format": "png"})
    await asyncio.to_thread(path.write_bytes, base64.b64decode(shot["data"]))
    log(f"screenshot saved to {path}")


@contextlib.asynccontextmanager
async def logged_in_page(
    session: aiohttp.ClientSession, cdp_url: str, ha: HomeAssistantClient, path: str
) -> AsyncIterator[Browser]:
    """Open a page logged in with the check's tokens and go to ``path``."""
    async with Browser(session, cdp_url) as browser:
        await log_in(browser, ha)
        await browser.goto(f"{ha.base_url}{path}")
        yield browser
