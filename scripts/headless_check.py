"""Headless end-to-end check: the integration in a real Home Assistant, no browser needed.

Run by ``scripts/run.sh --check`` with the run venv's Python (inside the Debian root when
Python 3.14 came from there). It

1. starts the Plex simulator (demo scenario, a distinctive random token) and a real Home
   Assistant with a throw-away copy of ``config/`` on free loopback ports,
2. onboards Home Assistant through its REST API and adds the integration through the
   config-flow REST API,
3. waits for activity sensors to appear and for their progress to move,
4. cancels a cancellable activity with ``plex_activities.cancel`` and waits for its
   sensor to disappear,
5. optionally takes a screenshot of the demo dashboard through a Chromium started by
   run.sh (Chrome DevTools protocol, ``--cdp-url``),
6. stops both and checks Home Assistant's log for tracebacks and for the token.

Exits 0 when everything holds; otherwise prints what failed and exits 1.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
from pathlib import Path
import secrets
import shutil
import signal
import socket
import sys
import tempfile
import time
from typing import Any, Self

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = "plex_activities"
HA_START_TIMEOUT = 240.0
STEP_TIMEOUT = 90.0


class CheckError(Exception):
    """A step of the check failed; the message says which and why."""


def log(message: str) -> None:
    """Print one progress line of the check."""
    print(f"[check {time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    """Return a loopback TCP port that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_config_dir(port: int) -> Path:
    """Create a throw-away Home Assistant configuration from the repository's."""
    config = Path(tempfile.mkdtemp(prefix="plex-activities-check-"))
    text = (ROOT / "config" / "configuration.yaml").read_text(encoding="utf-8")
    text += f"\nhttp:\n  server_host: 127.0.0.1\n  server_port: {port}\n"
    (config / "configuration.yaml").write_text(text, encoding="utf-8")
    (config / "custom_components").mkdir()
    (config / "custom_components" / DOMAIN).symlink_to(
        ROOT / "custom_components" / DOMAIN
    )
    (config / "dashboard.yaml").symlink_to(ROOT / "docs" / "dashboard.yaml")
    return config


class Process:
    """A child process whose output is kept (and optionally echoed)."""

    def __init__(
        self, name: str, *args: str, env: dict[str, str] | None = None
    ) -> None:
        """Remember how to start the process."""
        self.name = name
        self.args = args
        self.env = env
        self.lines: list[str] = []
        self.proc: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._line_event = asyncio.Event()

    async def start(self) -> None:
        """Start the process and collect its combined output."""
        self.proc = await asyncio.create_subprocess_exec(
            *self.args,
            cwd=ROOT,
            env=self.env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
        )
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.proc is not None  # noqa: S101
        assert self.proc.stdout is not None  # noqa: S101
        async for raw in self.proc.stdout:
            self.lines.append(raw.decode(errors="replace").rstrip("\n"))
            self._line_event.set()

    async def wait_for_line(self, prefix: str, timeout: float) -> str:  # noqa: ASYNC109
        """Return the first output line starting with prefix."""
        async with asyncio.timeout(timeout):
            while True:
                for line in self.lines:
                    if line.startswith(prefix):
                        return line
                if self.proc is not None and self.proc.returncode is not None:
                    raise CheckError(
                        f"{self.name} exited with {self.proc.returncode}:\n"
                        + "\n".join(self.lines[-30:])
                    )
                self._line_event.clear()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(1):
                        await self._line_event.wait()

    @property
    def running(self) -> bool:
        """Return whether the process still runs."""
        return self.proc is not None and self.proc.returncode is None

    async def stop(self, timeout: float = 60.0) -> int | None:  # noqa: ASYNC109
        """Stop the process with SIGTERM (SIGKILL after timeout); return its status."""
        if self.proc is None:
            return None
        if self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGTERM)
            try:
                async with asyncio.timeout(timeout):
                    await self.proc.wait()
            except TimeoutError:
                log(f"{self.name} did not stop within {timeout:.0f} s; killing it")
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                await self.proc.wait()
        if self._reader is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        return self.proc.returncode


class HomeAssistantClient:
    """Just enough of Home Assistant's REST API for the check."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        """Talk to the Home Assistant at base_url."""
        self.session = session
        self.base_url = base_url
        self.client_id = f"{base_url}/"
        self.tokens: dict[str, Any] = {}

    @property
    def headers(self) -> dict[str, str]:
        """Return the authorization header."""
        return {"Authorization": f"Bearer {self.tokens['access_token']}"}

    async def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        ok: tuple[int, ...] = (200, 201),
    ) -> tuple[int, Any]:
        """Send an authenticated request; raise CheckError on an unexpected status."""
        async with self.session.request(
            method, f"{self.base_url}{path}", json=json_body, headers=self.headers
        ) as response:
            body = await response.text()
            if response.status not in ok:
                raise CheckError(
                    f"{method} {path} answered {response.status}: {body[:500]}"
                )
            try:
                return response.status, json.loads(body) if body else None
            except json.JSONDecodeError:
                return response.status, body

    async def wait_until_up(self, ha: Process) -> None:
        """Wait until the onboarding API answers."""
        deadline = time.monotonic() + HA_START_TIMEOUT
        while time.monotonic() < deadline:
            if not ha.running:
                raise CheckError(
                    "Home Assistant exited during start-up:\n"
                    + "\n".join(ha.lines[-40:])
                )
            with contextlib.suppress(aiohttp.ClientError):
                async with self.session.get(
                    f"{self.base_url}/api/onboarding"
                ) as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(1)
        raise CheckError(f"Home Assistant did not answer within {HA_START_TIMEOUT} s")

    async def onboard(self, password: str) -> None:
        """Create the owner, log in, and finish the remaining onboarding steps."""
        async with self.session.post(
            f"{self.base_url}/api/onboarding/users",
            json={
                "client_id": self.client_id,
                "name": "Check",
                "username": "check",
                "password": password,
                "language": "en",
            },
        ) as response:
            if response.status != 200:
                raise CheckError(
                    f"onboarding user step answered {response.status}: "
                    f"{await response.text()}"
                )
            auth_code = (await response.json())["auth_code"]
        async with self.session.post(
            f"{self.base_url}/auth/token",
            data={
                "grant_type": "authorization_code",
                "code": auth_code,
                "client_id": self.client_id,
            },
        ) as response:
            if response.status != 200:
                raise CheckError(f"/auth/token answered {response.status}")
            self.tokens = await response.json()
        await self.request("POST", "/api/onboarding/core_config")
        await self.request("POST", "/api/onboarding/analytics")
        await self.request(
            "POST",
            "/api/onboarding/integration",
            json_body={"client_id": self.client_id, "redirect_uri": self.client_id},
        )
        _, status = await self.request("GET", "/api/onboarding", ok=(200,))
        if not all(step.get("done") for step in status):
            raise CheckError(f"onboarding not finished: {status}")

    async def websocket(self, *commands: dict[str, Any]) -> list[dict[str, Any]]:
        """Send websocket API commands one after the other; return their messages."""
        results = []
        async with self.session.ws_connect(f"{self.base_url}/api/websocket") as ws:
            await ws.receive_json()  # auth_required
            await ws.send_json(
                {"type": "auth", "access_token": self.tokens["access_token"]}
            )
            if (reply := await ws.receive_json()).get("type") != "auth_ok":
                raise CheckError(f"websocket authentication failed: {reply}")
            for number, command in enumerate(commands, start=1):
                await ws.send_json({"id": number, **command})
                while (reply := await ws.receive_json()).get("id") != number:
                    pass
                results.append(reply)
        return results

    async def accept_http_config(self) -> None:
        """Confirm the check's port, so Home Assistant keeps it without asking.

        Since 2026.11 the http YAML is migrated into storage as a trial that reverts
        (with a restart) after five minutes unless confirmed, and the frontend asks.
        """
        promote, issues = await self.websocket(
            {"type": "http/config/promote"}, {"type": "repairs/list_issues"}
        )
        if not promote.get("success"):
            log(f"http/config/promote: {promote.get('error')}")
        for issue in issues.get("result", {}).get("issues", []):
            if issue["domain"] == "http":
                await self.websocket(
                    {
                        "type": "repairs/ignore_issue",
                        "domain": issue["domain"],
                        "issue_id": issue["issue_id"],
                        "ignore": True,
                    }
                )

    async def integration_entities(self) -> list[str]:
        """Return the entity ids of the integration (via a template)."""
        _, body = await self.request(
            "POST",
            "/api/template",
            json_body={
                "template": f"{{{{ integration_entities('{DOMAIN}') | tojson }}}}"
            },
        )
        return list(json.loads(body) if isinstance(body, str) else body)

    async def states(self) -> dict[str, dict[str, Any]]:
        """Return every state, by entity id."""
        _, body = await self.request("GET", "/api/states")
        return {state["entity_id"]: state for state in body}


async def wait_for(
    what: str,
    probe: Any,
    timeout: float = STEP_TIMEOUT,  # noqa: ASYNC109
    interval: float = 1.0,
) -> Any:
    """Call the async probe until it returns something truthy; fail after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        result = await probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise CheckError(f"timed out after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(interval)


async def activity_sensors(
    ha: HomeAssistantClient,
) -> dict[str, dict[str, Any]]:
    """Return the integration's per-activity sensors (those with an activity uuid)."""
    entities = set(await ha.integration_entities())
    return {
        entity_id: state
        for entity_id, state in (await ha.states()).items()
        if entity_id in entities
        and entity_id.startswith("sensor.")
        and "uuid" in state["attributes"]
    }


async def add_integration(ha: HomeAssistantClient, sim_url: str, token: str) -> None:
    """Add the integration through the config-flow REST API."""
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
        json_body={"url": sim_url, "token": token, "verify_ssl": False},
    )
    if result.get("type") != "create_entry":
        raise CheckError(f"config flow did not create an entry: {result}")
    log(f"config entry created: {result['title']!r} ({result['result']['entry_id']})")


async def watch_activities(ha: HomeAssistantClient) -> None:
    """Wait for activity sensors, a progress change and an event."""
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

    states = await ha.states()
    entities = set(await ha.integration_entities())
    summary = [
        e
        for e in entities
        if e.startswith("sensor.") and "activities" in states[e]["attributes"]
    ]
    events = [e for e in entities if e.startswith("event.")]
    if not summary or not events:
        raise CheckError(
            f"missing the Activities sensor or the event entity: {sorted(entities)}"
        )
    log(f"summary sensor {summary[0]} = {states[summary[0]]['state']}")
    await wait_for(
        "the event entity to fire",
        lambda: _event_fired(ha, events[0]),
    )
    log(f"event entity {events[0]} fired")


async def cancel_activity(ha: HomeAssistantClient) -> None:
    """Cancel a cancellable activity and wait for its sensor to disappear."""

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


async def wait_for_settled_entries(ha: HomeAssistantClient) -> None:
    """Wait until no config entry is still setting up.

    Onboarding adds Radio Browser and Met.no, which retry their (here unreachable)
    servers for a while; stopping Home Assistant in the middle of such a setup makes it
    log a traceback that has nothing to do with this integration.
    """

    async def settled() -> bool:
        _, entries = await ha.request("GET", "/api/config/config_entries/entry")
        busy = [
            e["domain"]
            for e in entries
            if e["state"] in {"setup_in_progress", "unload_in_progress"}
        ]
        return not busy

    await wait_for("config entries to finish setting up", settled, timeout=180)


async def _event_fired(ha: HomeAssistantClient, entity_id: str) -> bool:
    _, state = await ha.request("GET", f"/api/states/{entity_id}")
    return state["attributes"].get("event_type") in {"started", "ended"}


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


async def take_screenshot(
    session: aiohttp.ClientSession,
    ha: HomeAssistantClient,
    cdp_url: str,
    path: Path,
) -> None:
    """Log the browser in with the check's tokens and capture the demo dashboard."""
    async with Browser(session, cdp_url) as browser:
        await log_in(browser, ha)
        await browser.goto(f"{ha.base_url}/dashboard-plex/0")
        # The frontend renders after its websocket connects; give the cards time.
        await asyncio.sleep(10)
        where = await browser.evaluate("location.pathname")
        if where != "/dashboard-plex/0":
            raise CheckError(f"the browser ended up at {where}, not the dashboard")
        await save_screenshot(browser, path)


# Finds the card's rows through every shadow root of the frontend.
_CARD_ROWS_JS = """
(() => {
  const found = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.tagName === 'PLEX-ACTIVITIES-CARD' && el.shadowRoot) {
        found.push(el);
      } else if (el.shadowRoot) {
        walk(el.shadowRoot);
      }
    }
  };
  walk(document);
  if (!found.length) return null;
  return [...found[0].shadowRoot.querySelectorAll('li[data-uuid]')].map((li) => ({
    uuid: li.dataset.uuid,
    title: li.querySelector('.title')?.textContent ?? '',
    progress: li.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow'),
    cancellable: !!li.querySelector('button.cancel'),
  }));
})()
"""

# Clicks a button of one row ("cancel", then "yes") inside the card's shadow root.
_CARD_CLICK_JS = """
((uuid, button) => {
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.tagName === 'PLEX-ACTIVITIES-CARD' && el.shadowRoot) return el;
      if (el.shadowRoot) { const card = walk(el.shadowRoot); if (card) return card; }
    }
    return null;
  };
  const card = walk(document);
  const target = card?.shadowRoot
    .querySelector(`li[data-uuid="${uuid}"] button.${button}`);
  if (!target) return false;
  target.click();
  return true;
})(%s, %s)
"""


async def check_card(
    session: aiohttp.ClientSession,
    ha: HomeAssistantClient,
    cdp_url: str,
    path: Path,
) -> None:
    """The dashboard card in a real browser: rows, live progress, cancel."""
    async with Browser(session, cdp_url) as browser:
        await log_in(browser, ha)
        await browser.goto(f"{ha.base_url}/dashboard-plex/card")

        async def rows() -> list[dict[str, Any]] | None:
            return await browser.evaluate(_CARD_ROWS_JS) or None

        first = await wait_for("the card to show the simulator's activities", rows)
        log(f"card shows {len(first)} activities: {[r['title'] for r in first]}")
        before = {r["uuid"]: r["progress"] for r in first}

        async def progress_moved() -> str | None:
            for row in await rows() or []:
                old = before.get(row["uuid"])
                if old is not None and row["progress"] not in (None, old):
                    return f"{row['title']}: {old} -> {row['progress']}"
            return None

        moved = await wait_for(
            "a progress change in the card, without reload", progress_moved
        )
        log(f"card progress moved without reload: {moved}")

        async def cancellable_row() -> dict[str, Any] | None:
            return next((r for r in await rows() or [] if r["cancellable"]), None)

        row = await wait_for("a cancellable activity in the card", cancellable_row)
        await save_screenshot(browser, path)
        uuid = json.dumps(row["uuid"])
        if not await browser.evaluate(_CARD_CLICK_JS % (uuid, json.dumps("cancel"))):
            raise CheckError("the card's cancel button could not be clicked")
        if not await browser.evaluate(_CARD_CLICK_JS % (uuid, json.dumps("yes"))):
            raise CheckError("the card's confirmation could not be clicked")

        async def row_gone() -> bool:
            return all(r["uuid"] != row["uuid"] for r in await rows() or [])

        await wait_for(f"{row['title']!r} to leave the card after cancel", row_gone)

        async def entity_gone() -> bool:
            states = await ha.states()
            return all(
                s["attributes"].get("uuid") != row["uuid"] for s in states.values()
            )

        await wait_for("the cancelled activity's entity to go", entity_gone)
        log(f"cancelled {row['title']!r} from the card; its row and entity are gone")


def check_log(ha_proc: Process, config: Path, token: str) -> None:
    """Fail when Home Assistant's log holds a traceback or the token."""
    text = "\n".join(ha_proc.lines)
    log_file = config / "home-assistant.log"
    if log_file.exists():
        text += "\n" + log_file.read_text(encoding="utf-8", errors="replace")
    problems = []
    if "Traceback" in text:
        index = text.index("Traceback")
        problems.append(
            "Home Assistant logged a traceback:\n" + text[max(0, index - 800) :][:4000]
        )
    if token in text:
        problems.append("Home Assistant's log contains the Plex token")
    if problems:
        raise CheckError("\n".join(problems))
    lines = text.count("\n")
    log(f"Home Assistant log ({lines} lines): no traceback, no token")


async def run(options: argparse.Namespace) -> None:
    """Run the whole check."""
    started = time.monotonic()
    ha_port = options.ha_port or free_port()
    sim_port = options.sim_port or free_port()
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
        env=env,
    )
    ha_proc = Process(
        "Home Assistant",
        sys.executable,
        "-m",
        "homeassistant",
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

            async def running() -> bool:
                _, config = await ha.request("GET", "/api/config")
                return config.get("state") == "RUNNING"

            await wait_for("Home Assistant to finish starting", running)
            log("Home Assistant is running")
            await ha.accept_http_config()
            await add_integration(ha, sim_url, token)
            await watch_activities(ha)
            await cancel_activity(ha)
            if options.cdp_url and options.screenshot:
                await take_screenshot(
                    session, ha, options.cdp_url, Path(options.screenshot)
                )
                await check_card(
                    session,
                    ha,
                    options.cdp_url,
                    Path(options.screenshot).with_name("screenshot-card.png"),
                )
            await wait_for_settled_entries(ha)
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


def main() -> int:
    """Parse the command line and run the check."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--ha-port", type=int, default=0, help="0: a free port")
    parser.add_argument("--sim-port", type=int, default=0, help="0: a free port")
    parser.add_argument("--cdp-url", help="DevTools websocket of a running Chromium")
    parser.add_argument("--screenshot", help="where to save the dashboard screenshot")
    parser.add_argument(
        "--keep-config", action="store_true", help="keep the throw-away config dir"
    )
    options = parser.parse_args()
    try:
        asyncio.run(run(options))
    except CheckError as err:
        print(f"\nHEADLESS CHECK FAILED: {err}", file=sys.stderr, flush=True)
        return 1
    except (aiohttp.ClientError, OSError, TimeoutError) as err:
        print(
            f"\nHEADLESS CHECK FAILED: {type(err).__name__}: {err}",
            file=sys.stderr,
            flush=True,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
