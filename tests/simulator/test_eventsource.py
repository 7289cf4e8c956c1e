"""The EventSource channel: messages, shapes, pings, filters and connection control."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

import pytest

from .helpers import TOKEN, load_text

if TYPE_CHECKING:
    import aiohttp

    from plex_simulator import PlexSimulator

ES_PATH = "/:/eventsource/notifications"


async def open_stream(
    session: aiohttp.ClientSession,
    sim: PlexSimulator,
    *,
    filters: str | None = "activity",
    token: str = TOKEN,
) -> aiohttp.ClientResponse:
    """Open the EventSource (token in the header) and wait until it is registered."""
    before = sim.websocket_count
    params = {} if filters is None else {"filters": filters}
    response = await session.get(
        sim.url + ES_PATH,
        params=params,
        headers={"X-Plex-Token": token, "Accept": "text/event-stream"},
    )
    assert response.status == 200
    await sim.wait_for_websockets(before + 1, timeout=2.0)
    return response


async def read_message(response: aiohttp.ClientResponse) -> str:
    """Read one message: the lines up to and including the blank line."""
    lines: list[str] = []
    async with asyncio.timeout(2.0):
        while (line := (await response.content.readline()).decode()) != "\n":
            assert line, "the stream ended"
            lines.append(line)
    return "".join(lines) + "\n"


def fields(message: str) -> tuple[str, Any]:
    """Return the event name and the decoded data of one message."""
    event, data = message.rstrip("\n").split("\n")
    assert event.startswith("event: ")
    assert data.startswith("data: ")
    return event.removeprefix("event: "), json.loads(data.removeprefix("data: "))


async def test_activity_messages(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """Each activity event is a message named `activity` with the unwrapped entry."""
    response = await open_stream(session, sim)
    assert response.content_type == "text/event-stream"
    assert response.headers["X-Plex-Protocol"] == "1.0"
    (connection,) = sim.notification_hub.connections
    assert connection.transport == "eventsource"
    uuid = sim.start_activity(title="Scanning Movies")
    sim.send_notification("status", "StatusNotification", [{"title": "filtered"}])
    sim.update_activity(uuid, progress=40)
    sim.end_activity(uuid)
    await sim.flush()
    messages = [fields(await read_message(response)) for _ in range(3)]
    assert [event for event, _data in messages] == ["activity"] * 3
    entries = [data["ActivityNotification"] for _event, data in messages]
    assert [entry["event"] for entry in entries] == ["started", "updated", "ended"]
    assert all(entry["uuid"] == uuid for entry in entries)
    assert entries[1]["Activity"]["progress"] == 40
    assert entries[0]["Activity"]["title"] == "Scanning Movies"
    assert connection.frames_sent == 3
    response.close()


@pytest.mark.parametrize(
    ("shape", "unwrap"),
    [
        ("array", lambda data: data["ActivityNotification"][0]),
        (
            "container",
            lambda data: data["NotificationContainer"]["ActivityNotification"][0],
        ),
    ],
)
async def test_other_data_shapes(
    sim: PlexSimulator, session: aiohttp.ClientSession, shape: Any, unwrap: Any
) -> None:
    """The data can also carry the list of entries, or the websocket's container."""
    sim.eventsource.data_shape = shape
    response = await open_stream(session, sim)
    uuid = sim.start_activity()
    event, data = fields(await read_message(response))
    assert event == "activity"
    assert unwrap(data)["uuid"] == uuid
    response.close()


async def test_pings(sim: PlexSimulator, session: aiohttp.ClientSession) -> None:
    """A `ping` event arrives every `ping_interval`, byte for byte Plex's; not counted."""
    sim.eventsource.ping_interval = 0.1
    response = await open_stream(session, sim, filters=None)
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await read_message(response) == load_text("sse_ping_event.txt")
    assert await read_message(response) == load_text("sse_ping_event.txt")
    assert loop.time() - started >= 0.2
    (connection,) = sim.notification_hub.connections
    assert connection.frames_sent == 0
    response.close()


def test_default_ping_interval(sim: PlexSimulator) -> None:
    """Plex pings every 10 seconds."""
    assert sim.eventsource.ping_interval == 10.0


async def test_silent_stream(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """A silent stream sends neither events nor pings, but stays open."""
    sim.eventsource.ping_interval = 0.05
    sim.eventsource.silent = True
    response = await open_stream(session, sim)
    sim.start_activity()
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.3):
            await response.content.readline()
    assert sim.websocket_count == 1
    response.close()


async def test_refusals(sim: PlexSimulator, session: aiohttp.ClientSession) -> None:
    """A wrong token gets the auth status; a disabled channel 404; REST faults don't."""
    sim.rest_failure_status = 503
    response = await open_stream(session, sim)
    response.close()
    for status in (401, 498):
        sim.auth_failure_status = status
        async with session.get(
            sim.url + ES_PATH, headers={"X-Plex-Token": "wrong"}
        ) as refused:
            assert refused.status == status
    sim.eventsource.enabled = False
    async with session.get(
        sim.url + ES_PATH, headers={"X-Plex-Token": TOKEN}
    ) as refused:
        assert refused.status == 404
    record = sim.requests[0]
    assert record.path == ES_PATH
    assert record.headers["X-Plex-Token"] == TOKEN
    assert "X-Plex-Token" not in record.query


async def test_streams_end(sim: PlexSimulator, session: aiohttp.ClientSession) -> None:
    """Dropping, revoking the token and stopping end the streams after queued events."""
    first = await open_stream(session, sim)
    second = await open_stream(session, sim, token=TOKEN)
    sim.start_activity()
    await sim.drop_websockets()
    assert sim.websocket_count == 0
    for response in (first, second):
        assert fields(await read_message(response))[0] == "activity"
        assert await response.content.read() == b""
    third = await open_stream(session, sim)
    sim.revoke_token("fresh")
    await sim.wait_for_websocket_count(0, timeout=2.0)
    assert await third.content.read() == b""
    fourth = await open_stream(session, sim, token="fresh")
    await sim.stop()
    assert sim.websocket_count == 0
    assert await fourth.content.read() == b""


async def test_client_going_away(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """A client that disconnects is found at the next ping and forgotten."""
    sim.eventsource.ping_interval = 0.05
    response = await open_stream(session, sim)
    response.close()
    await sim.wait_for_websocket_count(0, timeout=2.0)
