"""Helpers shared by the simulator tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

import aiohttp

if TYPE_CHECKING:
    from plex_simulator import PlexSimulator

FIXTURES = Path(__file__).parent.parent / "fixtures"
TOKEN = "test-token"
WS_PATH = "/:/websockets/notifications"
JSON_HEADERS = {"X-Plex-Token": TOKEN, "Accept": "application/json"}
XML_HEADERS = {"X-Plex-Token": TOKEN}


def load_text(name: str) -> str:
    """Read a fixture file as text."""
    return (FIXTURES / name).read_text(encoding="utf-8")


def load_json(name: str) -> Any:
    """Read a JSON fixture file."""
    return json.loads(load_text(name))


def shape(value: Any) -> Any:
    """Reduce a JSON value to its structure: key names and value types."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


async def handshake_refused(
    session: aiohttp.ClientSession, sim: PlexSimulator, token: str
) -> int:
    """Open the notification websocket with ``token``, expect a refusal; return its status."""
    try:
        websocket = await session.ws_connect(
            sim.url + WS_PATH, params={"X-Plex-Token": token}
        )
    except aiohttp.WSServerHandshakeError as err:
        return err.status
    await websocket.close()
    raise AssertionError("the websocket handshake was accepted")


async def activities_answer(
    session: aiohttp.ClientSession, sim: PlexSimulator, token: str
) -> tuple[int, str]:
    """Return the status and content type of ``GET /activities`` with ``token``."""
    async with session.get(
        f"{sim.url}/activities", headers={"X-Plex-Token": token}
    ) as response:
        return response.status, response.content_type


async def connect(
    session: aiohttp.ClientSession,
    sim: PlexSimulator,
    *,
    filters: str | None = None,
    token: str | None = TOKEN,
    token_in_query: bool = True,
    heartbeat: float | None = None,
) -> aiohttp.ClientWebSocketResponse:
    """Open the notification websocket and wait until the server registered it."""
    params: dict[str, str] = {}
    headers: dict[str, str] = {}
    if filters is not None:
        params["filters"] = filters
    if token is not None:
        if token_in_query:
            params["X-Plex-Token"] = token
        else:
            headers["X-Plex-Token"] = token
    before = sim.websocket_count
    websocket = await session.ws_connect(
        sim.url + WS_PATH, params=params, headers=headers, heartbeat=heartbeat
    )
    await sim.wait_for_websockets(before + 1, timeout=2.0)
    return websocket


async def receive_json(websocket: aiohttp.ClientWebSocketResponse) -> Any:
    """Receive one text frame and decode it."""
    message = await websocket.receive(timeout=2.0)
    assert message.type is aiohttp.WSMsgType.TEXT, message
    return json.loads(message.data)


def parse_xml(text: str, *, declaration: bool = True) -> ET.Element:
    """Parse an XML body (the simulator's output or a fixture, so trusted)."""
    if declaration:
        assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(text)  # noqa: S314 - trusted local XML
