"""Just enough of Home Assistant's REST and websocket API for the check."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import TYPE_CHECKING, Any

import aiohttp

from headless.common import DOMAIN, CheckError, log, wait_for

if TYPE_CHECKING:
    from headless.process import Process

HA_START_TIMEOUT = 240.0


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

    async def wait_until_running(self) -> None:
        """Wait until Home Assistant has finished starting."""

        async def running() -> bool:
            _, config = await self.request("GET", "/api/config")
            return bool(config.get("state") == "RUNNING")

        await wait_for("Home Assistant to finish starting", running)

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

    async def wait_for_settled_entries(self) -> None:
        """Wait until no config entry is still setting up.

        Onboarding adds Radio Browser and Met.no, which retry their (here unreachable)
        servers for a while; stopping Home Assistant in the middle of such a setup makes it
        log a traceback that has nothing to do with this integration.
        """

        async def settled() -> bool:
            _, entries = await self.request("GET", "/api/config/config_entries/entry")
            busy = [
                e["domain"]
                for e in entries
                if e["state"] in {"setup_in_progress", "unload_in_progress"}
            ]
            return not busy

        await wait_for("config entries to finish setting up", settled, timeout=180)
