"""The notification websocket: frames, order, filters and connection control."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest

from .helpers import (
    TOKEN,
    WS_PATH,
    activities_answer,
    connect,
    handshake_refused,
    load_json,
    receive_json,
    shape,
)

if TYPE_CHECKING:
    from plex_simulator import PlexSimulator


def activity_entry(frame: dict[str, Any]) -> dict[str, Any]:
    """Return the single ``ActivityNotification`` entry of an activity frame."""
    container = frame["NotificationContainer"]
    assert container["type"] == "activity"
    assert container["size"] == 1
    entries: list[dict[str, Any]] = container["ActivityNotification"]
    assert len(entries) == 1
    return entries[0]


def send_marker(sim: PlexSimulator) -> None:
    """Send a ``status`` notification that marks the end of a test sequence."""
    sim.send_notification("status", "StatusNotification", [{"title": "marker"}])


def is_marker(frame: dict[str, Any]) -> bool:
    """Tell whether a frame is the one :func:`send_marker` sends."""
    container = frame["NotificationContainer"]
    marker: bool = container["type"] == "status" and container[
        "StatusNotification"
    ] == [{"title": "marker"}]
    return marker


@pytest.mark.parametrize("token_in_query", [True, False], ids=["query", "header"])
async def test_activity_lifecycle_frames(
    sim: PlexSimulator, session: aiohttp.ClientSession, token_in_query: bool
) -> None:
    """started, updated and ended arrive in order with the full activity."""
    websocket = await connect(session, sim, token_in_query=token_in_query)
    activity_uuid = sim.start_activity(
        type="library.refresh.items",
        title="Refreshing",
        subtitle="",
        progress=0,
        context={"key": "/library/metadata/16417/children"},
    )
    sim.update_activity(activity_uuid, progress=40, subtitle="Augmenting metadata")
    sim.update_activity(activity_uuid, progress=100)
    sim.end_activity(activity_uuid)
    await sim.flush()

    entries = [activity_entry(await receive_json(websocket)) for _ in range(4)]
    assert [e["event"] for e in entries] == ["started", "updated", "updated", "ended"]
    assert [e["Activity"]["progress"] for e in entries] == [0, 40, 100, 100]
    for entry in entries:
        assert entry["uuid"] == entry["Activity"]["uuid"] == activity_uuid
    assert entries[1]["Activity"]["subtitle"] == "Augmenting metadata"
    await websocket.close()


async def test_frame_matches_fixture(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """An ``updated`` and an ``ended`` frame equal the captured ones."""
    websocket = await connect(session, sim)
    captured = load_json("ws_activity_updated.json")
    activity = activity_entry(captured)["Activity"]
    sim.start_activity(
        uuid=activity["uuid"],
        type=activity["type"],
        title=activity["title"],
        subtitle="",
        progress=0,
        cancellable=activity["cancellable"],
        user_id=activity["userID"],
    )
    sim.update_activity(
        activity["uuid"], subtitle=activity["subtitle"], context=activity["Context"]
    )
    sim.update_activity(activity["uuid"], progress=100)
    sim.end_activity(activity["uuid"])

    started = await receive_json(websocket)
    assert activity_entry(started)["event"] == "started"
    assert "Context" not in activity_entry(started)["Activity"]
    assert await receive_json(websocket) == captured
    await receive_json(websocket)
    assert await receive_json(websocket) == load_json("ws_activity_ended.json")
    await websocket.close()


@pytest.mark.parametrize(
    ("fixture", "child_key"),
    [
        ("ws_playing_plexkodiconnect.json", "PlaySessionStateNotification"),
        ("ws_timeline_deleted_epg.json", "TimelineEntry"),
        ("ws_log_plexopedia.json", "LogSentNotification"),
    ],
)
async def test_other_notification_shapes(
    sim: PlexSimulator, session: aiohttp.ClientSession, fixture: str, child_key: str
) -> None:
    """``send_notification`` wraps entries like the captured frames."""
    websocket = await connect(session, sim, filters="")
    captured = load_json(fixture)
    container = captured["NotificationContainer"]
    sim.send_notification(container["type"], child_key, container[child_key])
    frame = await receive_json(websocket)
    assert frame == {
        "NotificationContainer": {
            "type": container["type"],
            "size": 1,
            child_key: container[child_key],
        }
    }
    assert shape(frame) == shape(
        {
            "NotificationContainer": {
                k: container[k] for k in ("type", "size", child_key)
            }
        }
    )
    await websocket.close()


async def test_filter_activity_only(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """``filters=activity`` receives nothing but activity notifications."""
    websocket = await connect(session, sim, filters="activity")
    sim.send_notification("playing", "PlaySessionStateNotification", [{"key": "1"}])
    sim.send_notification("status", "StatusNotification", [{"title": "x"}])
    activity_uuid = sim.start_activity()
    assert activity_entry(await receive_json(websocket))["uuid"] == activity_uuid
    await websocket.close()


async def test_filter_exclusion(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """A leading ``-`` turns the list into types to leave out."""
    websocket = await connect(session, sim, filters="-activity,playing")
    sim.start_activity()
    sim.send_notification("playing", "PlaySessionStateNotification", [{"key": "1"}])
    sim.send_notification("log", "LogSentNotification", [{"message": "m"}])
    send_marker(sim)
    frame = await receive_json(websocket)
    assert frame["NotificationContainer"]["type"] == "log"
    assert is_marker(await receive_json(websocket))
    await websocket.close()


async def test_default_filter_excludes_log(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """Without ``filters`` everything but ``log`` arrives; ``filters=`` is all."""
    default = await connect(session, sim)
    everything = await connect(session, sim, filters="")
    sim.send_notification("log", "LogSentNotification", [{"message": "m"}])
    send_marker(sim)
    assert is_marker(await receive_json(default))
    assert (await receive_json(everything))["NotificationContainer"]["type"] == "log"
    assert is_marker(await receive_json(everything))
    await default.close()
    await everything.close()


async def test_send_raw_ignores_filters(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """Raw frames go to every socket as text or binary frames."""
    websocket = await connect(session, sim, filters="activity")
    sim.send_raw("not json")
    sim.send_raw(b"\x00\x01")
    text = await websocket.receive(timeout=2.0)
    assert (text.type, text.data) == (aiohttp.WSMsgType.TEXT, "not json")
    binary = await websocket.receive(timeout=2.0)
    assert (binary.type, binary.data) == (aiohttp.WSMsgType.BINARY, b"\x00\x01")
    await websocket.close()


async def test_set_activities_silently(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """Silent replacement changes the state without any frame."""
    websocket = await connect(session, sim)
    sim.start_activity(uuid="old")
    assert activity_entry(await receive_json(websocket))["event"] == "started"
    sim.set_activities_silently(
        [{"uuid": "new", "title": "Scanning Photos", "progress": 55}]
    )
    send_marker(sim)
    assert is_marker(await receive_json(websocket))
    assert list(sim.activities) == ["new"]
    assert sim.activities["new"] == {
        "uuid": "new",
        "type": "library.update.section",
        "cancellable": False,
        "userID": 1,
        "title": "Scanning Photos",
        "subtitle": "",
        "progress": 55,
    }
    await websocket.close()


async def test_drop_websockets(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """Dropping closes every socket cleanly after the frames already queued."""
    first = await connect(session, sim)
    second = await connect(session, sim)
    assert sim.websocket_count == 2
    sim.start_activity()
    await sim.drop_websockets()
    assert sim.websocket_count == 0
    for websocket in (first, second):
        assert activity_entry(await receive_json(websocket))["event"] == "started"
        message = await websocket.receive(timeout=2.0)
        assert message.type is aiohttp.WSMsgType.CLOSE
        assert message.data == aiohttp.WSCloseCode.GOING_AWAY
    # A client can reconnect right away.
    third = await connect(session, sim)
    assert sim.websocket_count == 1
    await third.close()


async def test_client_close_unregisters(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """A client closing its socket is noticed by the server."""
    websocket = await connect(session, sim)
    await websocket.close()
    await sim.wait_for_websocket_count(0, timeout=2.0)
    assert sim.websocket_count == 0
    # Notifications with nobody listening are simply dropped.
    sim.start_activity()
    await sim.flush()


async def test_wait_for_websockets_timeout(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """Waiting for sockets that never come (or never go) raises TimeoutError."""
    with pytest.raises(TimeoutError):
        await sim.wait_for_websockets(1, timeout=0.05)
    await sim.wait_for_websocket_count(0, timeout=0.05)
    websocket = await connect(session, sim)
    with pytest.raises(TimeoutError):
        await sim.wait_for_websocket_count(0, timeout=0.05)
    await websocket.close()


async def test_handshake_wrong_token(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """A wrong or missing token is refused with 401 before the upgrade."""
    for params in ({"X-Plex-Token": "wrong"}, {}):
        with pytest.raises(aiohttp.WSServerHandshakeError) as err:
            await session.ws_connect(sim.url + WS_PATH, params=params)
        assert err.value.status == 401
    assert sim.websocket_count == 0


async def test_websocket_disabled(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """With websockets disabled the path answers 404 (a proxy without upgrades)."""
    sim.websocket_enabled = False
    assert await handshake_refused(session, sim, TOKEN) == 404
    # The REST routes are unaffected.
    assert (await activities_answer(session, sim, TOKEN))[0] == 200


async def test_pings_answered(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """The server answers the client's heartbeat pings."""
    websocket = await connect(session, sim, heartbeat=0.1)
    await asyncio.sleep(0.5)
    assert not websocket.closed
    sim.start_activity()
    assert activity_entry(await receive_json(websocket))["event"] == "started"
    await websocket.close()
    # aiohttp's client may re-arm its heartbeat timer while closing; let it run
    # out so no timer outlives the test.
    await asyncio.sleep(0.3)


async def test_websocket_silent(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """A silent server neither sends frames nor answers pings."""
    websocket = await connect(session, sim, heartbeat=0.2)
    sim.websocket_silent = True
    sim.start_activity()
    message = await websocket.receive(timeout=3.0)
    # The heartbeat gives up and closes the connection without any frame.
    assert message.type in {aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR}
    assert websocket.closed


async def test_silenced_connection_leaves_later_ones_alone(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """A silenced connection plays dead; one opened after it gets every frame.

    The soak silences the listener's connection; when a drop closes it and the
    listener reconnects and resyncs before the silence is over, the frames sent right
    after the resync must reach the new connection (a global flag swallowed them, so
    Home Assistant stayed at the resync's progress while the server had moved on).
    """
    old = await connect(session, sim)
    (silenced,) = sim.notification_hub.connections
    silenced.silent = True
    sim.start_activity()
    await sim.notification_hub.flush()
    assert silenced.frames_sent == 0
    await sim.drop_websockets()
    assert (await old.receive(timeout=2.0)).type is aiohttp.WSMsgType.CLOSE
    await old.close()
    new = await connect(session, sim)
    # The silenced connection is gone, but its silence must not outlive it.
    sim.start_activity()
    assert activity_entry(await receive_json(new))["event"] == "started"
    await new.close()


async def test_revoke_token_closes_sockets(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """Revoking the token closes sockets that used it and refuses it afterwards."""
    old = await connect(session, sim)
    sim.revoke_token("fresh")
    message = await old.receive(timeout=2.0)
    assert message.type is aiohttp.WSMsgType.CLOSE
    assert message.data == aiohttp.WSCloseCode.POLICY_VIOLATION
    assert await handshake_refused(session, sim, TOKEN) == 401
    new = await connect(session, sim, token="fresh")
    # Assigning the attribute revokes as well; a socket with the kept token stays.
    sim.token = "fresh"
    sim.start_activity()
    assert activity_entry(await receive_json(new))["event"] == "started"
    sim.token = "newest"
    assert (await new.receive(timeout=2.0)).type is aiohttp.WSMsgType.CLOSE
    assert (await activities_answer(session, sim, "fresh"))[0] == 401
    assert (await activities_answer(session, sim, "newest"))[0] == 200


@pytest.mark.parametrize("status", [403, 498])
async def test_expired_token_status(
    sim: PlexSimulator, session: aiohttp.ClientSession, status: int
) -> None:
    """`auth_failure_status` replaces the 401 of a wrong token, on REST and upgrades."""
    sim.auth_failure_status = status
    assert await handshake_refused(session, sim, "old") == status
    assert await activities_answer(session, sim, "old") == (status, "text/html")
    assert (await activities_answer(session, sim, TOKEN))[0] == 200


async def test_pings_counted_and_pong_delayed(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """The server counts the pings it gets and answers after `websocket_pong_delay`."""
    websocket = await session.ws_connect(
        sim.url + WS_PATH, params={"X-Plex-Token": TOKEN}, autoping=False
    )
    await sim.wait_for_websockets(1)
    (connection,) = sim.notification_hub.connections
    sim.websocket_pong_delay = 0.3
    loop = asyncio.get_running_loop()
    sent_at = loop.time()
    await websocket.ping(b"one")
    message = await websocket.receive(timeout=2.0)
    assert message.type is aiohttp.WSMsgType.PONG
    assert message.data == b"one"
    assert loop.time() - sent_at >= 0.3
    assert connection.pings == 1
    await websocket.close()
