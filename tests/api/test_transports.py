"""The listener over each transport (websocket, EventSource) and between them."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

from custom_components.plex_activities.api import (
    ActivityEventType,
    PlexAuthenticationError,
    Transport,
)
from tests.const import TOKEN

from .test_notifications import Recorder, cancel, make_listener

if TYPE_CHECKING:
    from custom_components.plex_activities.api import PlexClient
    from plex_simulator import PlexSimulator

ES_PATH = "/:/eventsource/notifications"
WS_PATH = "/:/websockets/notifications"


def paths(simulator: PlexSimulator) -> list[str]:
    """Return the notification requests so far, in order."""
    return [r.path for r in simulator.requests if r.path in {ES_PATH, WS_PATH}]


def on_transport(simulator: PlexSimulator, transport: Transport) -> None:
    """Have the listener end up on `transport`: the EventSource when upgrades are refused."""
    simulator.websocket_enabled = transport is Transport.WEBSOCKET


# The notification requests it takes to connect over each transport.
CONNECT_PATHS = {
    Transport.WEBSOCKET: [WS_PATH],
    Transport.EVENTSOURCE: [WS_PATH, ES_PATH],
}
# The header that asks for each transport.
ASKS_FOR = {
    Transport.WEBSOCKET: ("Upgrade", "websocket"),
    Transport.EVENTSOURCE: ("Accept", "text/event-stream"),
}


@pytest.mark.parametrize(
    ("transport", "shape"),
    [
        (Transport.WEBSOCKET, "object"),
        (Transport.EVENTSOURCE, "object"),
        (Transport.EVENTSOURCE, "array"),
        (Transport.EVENTSOURCE, "container"),
    ],
    ids=[
        "websocket",
        "eventsource-object",
        "eventsource-array",
        "eventsource-container",
    ],
)
async def test_events_in_order(
    client: PlexClient, simulator: PlexSimulator, transport: Transport, shape: str
) -> None:
    """Started, updated and ended arrive in order; other types are filtered by Plex.

    With the upgrade refused, the EventSource carries them, whatever its data shape.
    """
    on_transport(simulator, transport)
    simulator.eventsource.data_shape = shape  # type: ignore[assignment]
    recorder = Recorder()
    listener = make_listener(client, recorder)
    task = asyncio.create_task(listener.run())
    await recorder.until(lambda: recorder.connects == 1)
    assert listener.transport is transport
    assert paths(simulator) == CONNECT_PATHS[transport]
    request = simulator.requests[-1]
    assert request.headers["X-Plex-Token"] == TOKEN
    header, value = ASKS_FOR[transport]
    assert request.headers[header] == value
    assert request.query == {"filters": "activity"}
    uuid = simulator.start_activity(title="Scanning Movies")
    simulator.send_notification("status", "StatusNotification", [{"title": "x"}])
    simulator.update_activity(uuid, progress=50)
    simulator.end_activity(uuid)
    await simulator.flush()
    await recorder.until(lambda: len(recorder.events) == 3)
    assert [e.type for e in recorder.events] == [
        ActivityEventType.STARTED,
        ActivityEventType.UPDATED,
        ActivityEventType.ENDED,
    ]
    assert recorder.events[1].activity.progress == 50
    assert listener.stats.connected
    assert listener.stats.events == 3
    assert listener.stats.frames_since_connect == 3  # the status frame never came
    counters = listener.stats.by_transport
    assert counters[transport]["events"] == 3
    assert counters[transport]["connects"] == 1
    refused_upgrades = len(CONNECT_PATHS[transport]) - 1
    assert counters[Transport.WEBSOCKET]["failed_attempts"] == refused_upgrades
    await cancel(task)


TOO_LARGE = "x" * (1024 * 1024 + 10)


@pytest.mark.parametrize(
    ("transport", "bad", "skipped"),
    [
        (
            Transport.WEBSOCKET,
            [
                "{not json",
                b"\x00\x01binary",
                '{"NotificationContainer": {"type": "playing"}}',
                TOO_LARGE,
                (
                    '{"NotificationContainer": {"type": "activity", '
                    '"ActivityNotification": '
                    '[{"event": "updated", "Activity": {"title": "no uuid"}}]}}'
                ),
            ],
            {
                "invalid_json": 1,
                "binary": 1,
                "other_type": 1,
                "too_large": 1,
                "invalid_activity": 1,
            },
        ),
        (
            Transport.EVENTSOURCE,
            [
                "event: activity\ndata: {not json\n\n",
                ': a comment\nevent: playing\ndata: {"Play": {}}\n\n',
                f"event: activity\ndata: {TOO_LARGE}\n\n",
                'event: activity\r\ndata: {"ActivityNotification":\r\n',
                'data: {"event": "started"}}\r\n\r\n',
            ],
            {"invalid_json": 1, "other_type": 1, "too_large": 1, "invalid_activity": 1},
        ),
    ],
    ids=["websocket", "eventsource"],
)
async def test_malformed_frames_skipped_and_counted(
    client: PlexClient,
    simulator: PlexSimulator,
    transport: Transport,
    bad: list[str | bytes],
    skipped: dict[str, int],
) -> None:
    """Bad frames or messages are counted by reason; the next valid one is applied."""
    on_transport(simulator, transport)
    recorder = Recorder()
    listener = make_listener(client, recorder)
    task = asyncio.create_task(listener.run())
    await recorder.until(lambda: recorder.connects == 1)
    assert listener.transport is transport
    for data in bad:
        simulator.send_raw(data)
    uuid = simulator.start_activity()
    await simulator.flush()
    await recorder.until(lambda: len(recorder.events) == 1)
    assert recorder.events[0].activity.uuid == uuid
    assert dict(listener.stats.skipped) == skipped
    assert listener.stats.connects == 1
    await cancel(task)


async def test_eventsource_pings_keep_it_and_silence_kills_it(
    client: PlexClient, simulator: PlexSimulator
) -> None:
    """Pings keep an idle stream; `eventsource_silence` without a byte ends it."""
    simulator.websocket_enabled = False
    simulator.eventsource.ping_interval = 0.05
    recorder = Recorder()
    listener = make_listener(client, recorder, eventsource_silence=0.4)
    task = asyncio.create_task(listener.run())
    await recorder.until(lambda: recorder.connects == 1)
    await asyncio.sleep(1.0)  # idle, but pinged: alive
    assert recorder.disconnects == [recorder.disconnects[0]]  # the refused upgrade
    assert listener.stats.by_transport[Transport.EVENTSOURCE]["keepalives"] >= 5
    assert listener.stats.frames == 0  # pings are no frames
    simulator.eventsource.silent = True
    silent_since = asyncio.get_running_loop().time()
    await recorder.until(lambda: len(recorder.disconnects) == 2)
    assert asyncio.get_running_loop().time() - silent_since < 0.4 + 0.3
    assert "silent for 0.4 s" in str(recorder.disconnects[1])
    # The stream had delivered pings: it stays the transport of choice.
    simulator.eventsource.silent = False
    await recorder.until(lambda: recorder.connects == 2)
    assert listener.transport is Transport.EVENTSOURCE
    await cancel(task)


async def test_websocket_that_delivers_nothing(
    client: PlexClient, simulator: PlexSimulator
) -> None:
    """An upgrade that works but a websocket that never answers: the EventSource."""
    simulator.websocket_silent = True
    recorder = Recorder()
    listener = make_listener(client, recorder, heartbeat=0.2)
    task = asyncio.create_task(listener.run())
    await recorder.until(lambda: recorder.connects == 2)
    assert "keepalive" in str(recorder.disconnects[0])
    assert listener.transport is Transport.EVENTSOURCE
    assert paths(simulator) == [WS_PATH, ES_PATH]
    await cancel(task)


async def test_websocket_taken_back_when_it_works(
    client: PlexClient, simulator: PlexSimulator
) -> None:
    """On the EventSource the websocket is retried every `websocket_retry`, no sooner."""
    simulator.websocket_enabled = False
    simulator.eventsource.ping_interval = 0.05
    recorder = Recorder()
    listener = make_listener(client, recorder, websocket_retry=0.5)
    task = asyncio.create_task(listener.run())
    await recorder.until(lambda: recorder.connects == 1)
    await asyncio.sleep(1.6)
    probes = paths(simulator).count(WS_PATH) - 1
    assert 2 <= probes <= 4  # about every 0.5 s, not at every ping
    assert recorder.connects == 1  # the stream went on meanwhile
    assert "websocket (HTTP 404)" in listener.stats.last_errors[Transport.WEBSOCKET]

    simulator.websocket_enabled = True
    await recorder.until(lambda: recorder.connects == 2, timeout=3)
    assert listener.transport is Transport.WEBSOCKET
    assert recorder.disconnects[-1] is None
    assert recorder.delays[-1] == 0.0  # moved over at once, and resynced
    assert [
        connection.transport for connection in simulator.notification_hub.connections
    ].count("websocket") == 1
    uuid = simulator.start_activity()
    await recorder.until(lambda: [e.activity.uuid for e in recorder.events] == [uuid])
    await cancel(task)


async def test_server_down_transports_take_turns(
    client: PlexClient, simulator: PlexSimulator
) -> None:
    """A server that is down: both transports in turn; when back, the websocket wins.

    If the EventSource happens to connect first, the websocket (which was not refused,
    only unreachable) is taken back at the first ping, not 10 minutes later.
    """
    simulator.eventsource.ping_interval = 0.05
    await simulator.stop()
    recorder = Recorder()
    listener = make_listener(client, recorder)
    task = asyncio.create_task(listener.run())
    await recorder.until(lambda: len(recorder.disconnects) >= 4)
    assert recorder.delays == sorted(recorder.delays)  # one backoff for both
    counters = listener.stats.by_transport
    assert counters[Transport.WEBSOCKET]["failed_attempts"] >= 2
    assert counters[Transport.EVENTSOURCE]["failed_attempts"] >= 2
    await simulator.start()
    await recorder.until(lambda: recorder.connects >= 1)
    await recorder.until(
        lambda: listener.stats.connected and listener.transport is Transport.WEBSOCKET,
        timeout=3,
    )
    await cancel(task)


async def test_retry_field_respected(
    client: PlexClient, simulator: PlexSimulator
) -> None:
    """The stream's `retry:` asks to wait before reconnecting (within the cap)."""
    simulator.websocket_enabled = False
    recorder = Recorder()
    listener = make_listener(client, recorder, stable_after=0.0)
    task = asyncio.create_task(listener.run())
    await recorder.until(lambda: recorder.connects == 1)
    simulator.send_raw("retry: 2500\n\n")
    await simulator.drop_websockets()
    await recorder.until(lambda: recorder.connects == 2)
    assert recorder.delays[-1] == 2.5
    await cancel(task)


@pytest.mark.parametrize("status", [401, 403, 498])
@pytest.mark.parametrize("transport", list(Transport))
async def test_token_rejected_stops(
    client: PlexClient, simulator: PlexSimulator, transport: Transport, status: int
) -> None:
    """A revoked or expired token ends the listener, no retry loop, on either transport."""
    on_transport(simulator, transport)
    simulator.auth_failure_status = status
    recorder = Recorder()
    listener = make_listener(client, recorder)
    task = asyncio.create_task(listener.run())
    await recorder.until(lambda: recorder.connects == 1)
    assert listener.transport is transport
    simulator.revoke_token("rotated")
    with pytest.raises(PlexAuthenticationError, match=f"HTTP {status}"):
        await asyncio.wait_for(task, 5)
    # One attempt with the old token after the close, on the same transport.
    assert paths(simulator) == [*CONNECT_PATHS[transport], CONNECT_PATHS[transport][-1]]
    assert isinstance(recorder.disconnects[-1], PlexAuthenticationError)
