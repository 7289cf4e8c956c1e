"""A loopback stand-in for plex.tv: sign-in PINs, the sign-in page, resources, the user.

It follows plex.tv's documented API v2: ``POST /api/v2/pins`` (201, a strong PIN with a
25-character code), ``GET /api/v2/pins/{id}`` (``authToken`` null until claimed, 404 with
error 1020 once expired), ``GET /api/v2/resources`` (a top-level array of devices; https
and relay connections only when asked with ``includeHttps``/``includeRelay``) and
``GET /api/v2/user`` (401 with error 1001 for a bad token). Answers are JSON when the
request accepts it, XML otherwise. Every API call needs ``X-Plex-Client-Identifier``.

``/auth`` stands in for app.plex.tv's sign-in page: it reads the PIN's code from the URL
fragment (as the real page does) and its button claims the PIN for the account.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
import secrets
import string
import time
from typing import Any, Final
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from aiohttp import web

from plex_simulator.loopback import LoopbackSite

ACCOUNT_TOKEN: Final = "plextv-account-token-demo"  # noqa: S105 - the stand-in's own
ACCOUNT_ID: Final = 4711
"""The account's id: the ``userID`` of its activities on a server shared with it."""
_CODE_ALPHABET: Final = string.ascii_lowercase + string.digits


def connection(uri: str, *, local: bool, relay: bool = False) -> dict[str, Any]:
    """Describe one connection of a server the way plex.tv lists it."""
    parts = urlsplit(uri)
    return {
        "protocol": parts.scheme,
        "address": parts.hostname or "",
        "port": parts.port or (443 if parts.scheme == "https" else 80),
        "uri": uri,
        "local": local,
        "relay": relay,
        "IPv6": ":" in (parts.hostname or ""),
    }


@dataclass(kw_only=True)
class StandInServer:
    """A server of the stand-in's account: owned, or shared with it by `owner`."""

    name: str
    machine_identifier: str
    access_token: str
    connections: list[dict[str, Any]]
    owned: bool = True
    owner: str | None = None

    def resource(self, *, https: bool, relay: bool) -> dict[str, Any]:
        """Return the server as a `PlexDevice` of the resources answer."""
        return {
            "name": self.name,
            "product": "Plex Media Server",
            "productVersion": "1.43.0.10000",
            "platform": "Linux",
            "clientIdentifier": self.machine_identifier,
            "provides": "server",
            "owned": self.owned,
            "ownerId": None if self.owned else 4242,
            "sourceTitle": self.owner,
            "home": False,
            "presence": True,
            "accessToken": self.access_token,
            "connections": [
                c
                for c in self.connections
                if (https or c["protocol"] != "https") and (relay or not c["relay"])
            ],
        }


@dataclass(kw_only=True)
class _Pin:
    id: int
    code: str
    client_identifier: str
    expires_at: float
    auth_token: str | None = None
    lifetime: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "code": self.code,
            "product": "Plex Activities",
            "trusted": False,
            "qr": f"https://plex.tv/api/v2/pins/qr/{self.code}",
            "clientIdentifier": self.client_identifier,
            "expiresIn": max(0, round(self.expires_at - time.monotonic())),
            "authToken": self.auth_token,
            "newRegistration": None,
        }


@dataclass(kw_only=True)
class PlexTvStandIn(LoopbackSite):
    """plex.tv on a loopback port, with one account and its servers.

    Attributes:
        servers: The account's servers (owned and shared).
        pin_lifetime: Seconds a new PIN lives (plex.tv's documented default: 900).
        failure_status: When set, every API call answers it (plex.tv is down).
        latency: Seconds added before every answer (a slow plex.tv).
        claim_on_create: Claim every new PIN at once (a user who signs in instantly).
        rate_limited: How many of the next API calls answer 429 (too many requests).
        retry_after: The ``Retry-After`` header of those answers (none when None):
            seconds, or an HTTP date.
        requests: ``(method, path, headers)`` of every request, oldest first.
        request_times: When each of them arrived (``time.monotonic()``).
    """

    account_token: str = ACCOUNT_TOKEN
    servers: list[StandInServer] = field(default_factory=list)
    pin_lifetime: int = 900
    failure_status: int | None = None
    latency: float = 0.0
    claim_on_create: bool = False
    rate_limited: int = 0
    retry_after: str | None = None
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    request_times: list[float] = field(default_factory=list)
    _pins: dict[int, _Pin] = field(default_factory=dict)

    @property
    def auth_url(self) -> str:
        """Return the address of the stand-in's sign-in page."""
        return f"{self.url}/auth"

    def claim(self, code: str | None = None) -> bool:
        """Sign in on the "page": claim the PIN with `code` (the newest if None)."""
        pins = [p for p in self._pins.values() if code in (None, p.code)]
        if not pins or pins[-1].expires_at <= time.monotonic():
            return False
        pins[-1].auth_token = self.account_token
        return True

    def expire_pins(self) -> None:
        """Let every PIN expire now."""
        for pin in self._pins.values():
            pin.expires_at = 0.0

    def build_app(self) -> web.Application:
        """Build the aiohttp application of the stand-in."""
        app = web.Application(middlewares=[self._middleware])
        app.router.add_post("/api/v2/pins", self._create_pin)
        app.router.add_get("/api/v2/pins/{id}", self._check_pin)
        app.router.add_get("/api/v2/resources", self._resources)
        app.router.add_get("/api/v2/user", self._user)
        app.router.add_get("/auth", self._auth_page)
        app.router.add_post("/auth/claim", self._claim)
        return app

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Any
    ) -> web.StreamResponse:
        self.requests.append((request.method, request.path, dict(request.headers)))
        self.request_times.append(time.monotonic())
        if self.latency > 0:
            await asyncio.sleep(self.latency)
        if request.path.startswith("/api/"):
            if self.failure_status is not None:
                return web.Response(status=self.failure_status, text="unavailable")
            if self.rate_limited > 0:
                self.rate_limited -= 1
                retry = (
                    {}
                    if self.retry_after is None
                    else {"Retry-After": self.retry_after}
                )
                return web.Response(status=429, text="Too Many Requests", headers=retry)
            if not _client_identifier(request):
                return _error(request, 400, 1000, "X-Plex-Client-Identifier is missing")
        result: web.StreamResponse = await handler(request)
        return result

    async def _create_pin(self, request: web.Request) -> web.Response:
        strong = request.query.get("strong", "false").lower() in ("1", "true")
        length = 25 if strong else 4
        code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(length))
        pin = _Pin(
            id=len(self._pins) + 1000,
            code=code,
            client_identifier=_client_identifier(request),
            expires_at=time.monotonic() + self.pin_lifetime,
        )
        self._pins[pin.id] = pin
        if self.claim_on_create:
            pin.auth_token = self.account_token
        return _answer(request, "pin", pin.as_json(), status=201)

    async def _check_pin(self, request: web.Request) -> web.Response:
        pin = self._pins.get(
            int(request.match_info["id"]) if request.match_info["id"].isdigit() else -1
        )
        if pin is None or pin.expires_at <= time.monotonic():
            return _error(request, 404, 1020, "Code not found or expired")
        return _answer(request, "pin", pin.as_json())

    async def _resources(self, request: web.Request) -> web.Response:
        if request.headers.get("X-Plex-Token") != self.account_token:
            return _error(request, 401, 1001, "User could not be authenticated")
        https = request.query.get("includeHttps") == "1"
        relay = request.query.get("includeRelay") == "1"
        devices = [s.resource(https=https, relay=relay) for s in self.servers]
        devices.append(
            {
                "name": "Living room TV",
                "product": "Plex for Android (TV)",
                "clientIdentifier": "stand-in-player-0001",
                "provides": "client,player,pubsub-player",
                "owned": True,
                "connections": [],
            }
        )
        return _answer(request, "resources", devices)

    async def _user(self, request: web.Request) -> web.Response:
        if request.headers.get("X-Plex-Token") != self.account_token:
            return _error(request, 401, 1001, "User could not be authenticated")
        user = {
            "id": ACCOUNT_ID,
            "uuid": "stand-in-user-uuid",
            "username": "demo",
            "title": "demo",
            "friendlyName": "Demo user",
            "email": "demo@example.invalid",
            "authToken": self.account_token,
            "hasPassword": True,
            "joinedAt": 1700000000,
            "twoFactorEnabled": False,
        }
        return _answer(request, "user", user)

    async def _auth_page(self, request: web.Request) -> web.Response:
        del request
        return web.Response(text=_AUTH_PAGE, content_type="text/html")

    async def _claim(self, request: web.Request) -> web.Response:
        code = str((await request.post()).get("code", ""))
        if not self.claim(code):
            return web.Response(status=404, text="This sign-in link has expired.")
        return web.Response(text="Signed in. You can close this window.")


def _client_identifier(request: web.Request) -> str:
    return request.headers.get("X-Plex-Client-Identifier") or request.query.get(
        "X-Plex-Client-Identifier", ""
    )


def _wants_json(request: web.Request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _answer(
    request: web.Request, name: str, data: Any, *, status: int = 200
) -> web.Response:
    """Answer `data` as JSON when accepted, else as XML (plex.tv's default)."""
    if _wants_json(request):
        return web.json_response(data, status=status)
    body = ET.tostring(_element(name, data), encoding="unicode")
    return web.Response(status=status, text=body, content_type="application/xml")


def _element(name: str, data: Any) -> ET.Element:
    if isinstance(data, list):
        element = ET.Element(name, size=str(len(data)))
        element.extend(_element(name.rstrip("s"), item) for item in data)
        return element
    element = ET.Element(name)
    for key, value in data.items():
        if isinstance(value, list):
            element.append(_element(key, value))
        elif value is not None:
            text = str(int(value)) if isinstance(value, bool) else str(value)
            element.set(key, text)
    return element


def _error(request: web.Request, status: int, code: int, message: str) -> web.Response:
    errors = [{"code": code, "message": message, "status": status}]
    if _wants_json(request):
        return web.json_response({"errors": errors}, status=status)
    return _answer(
        request, "errors", [{"code": code, "message": message}], status=status
    )


_AUTH_PAGE: Final = """<!doctype html>
<html><head><meta charset="utf-8"><title>Sign in with Plex (stand-in)</title>
<style>body{font-family:sans-serif;background:#1f1f1f;color:#eee;text-align:center;
padding-top:15vh}button{background:#e5a00d;border:0;border-radius:4px;padding:12px 32px;
font-size:18px;cursor:pointer}</style></head>
<body><h1>plex.tv (stand-in)</h1>
<p id="what">Home Assistant asks to sign in to your Plex account.</p>
<button id="signin">Sign in</button><p id="result"></p>
<script>
const params = new URLSearchParams(location.hash.replace(/^#!?\\??/, ""));
document.getElementById("signin").onclick = async () => {
  const response = await fetch("/auth/claim", {method: "POST",
    body: new URLSearchParams({code: params.get("code") || ""})});
  document.getElementById("result").textContent = await response.text();
};
</script></body></html>
"""
