"""The `text/event-stream` decoder and the parser's EventSource shapes."""

from __future__ import annotations

import json

import pytest

from custom_components.plex_activities.api import (
    ActivityEventType,
    SkippedFrameError,
    parse_notification,
)
from custom_components.plex_activities.api.eventsource import (
    EventStreamDecoder,
    ServerSentEvent,
)


def decode(*chunks: bytes, max_data: int = 1000) -> list[ServerSentEvent]:
    """Feed the chunks in order and return every message."""
    decoder = EventStreamDecoder(max_data=max_data)
    return [message for chunk in chunks for message in decoder.feed(chunk)]


def test_fields_comments_and_multiline_data() -> None:
    """Event names, `data` lines joined by newlines, comments and unknown fields."""
    messages = decode(
        b": hello\n"
        b"event: activity\n"
        b'data: {"a":\n'
        b"data:1}\n"
        b"unknown: ignored\n"
        b"\n"
        b"data\n"
        b"\n"
        b"event: named-but-empty\n"
        b"\n"
        b"data:  two spaces\n\n"
    )
    assert [(m.event, m.data) for m in messages] == [
        ("activity", '{"a":\n1}'),
        ("message", ""),
        ("message", " two spaces"),
    ]
    assert json.loads(messages[0].data) == {"a": 1}


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_every_line_ending_and_any_split(newline: bytes) -> None:
    """LF, CRLF and CR end lines, wherever the chunks are cut (also inside CRLF)."""
    stream = (
        "\ufeffevent: ping".encode()
        + newline
        + b"data: {}"
        + newline
        + newline
        + "data: caf\u00e9 \u2713".encode()
        + newline
        + newline
    )
    expected = [("ping", "{}"), ("message", "caf\u00e9 \u2713")]
    for cut in range(len(stream) + 1):
        messages = decode(stream[:cut], stream[cut:])
        assert [(m.event, m.data) for m in messages] == expected, cut
    one_by_one = decode(*(stream[i : i + 1] for i in range(len(stream))))
    assert [(m.event, m.data) for m in one_by_one] == expected


def test_id_and_retry() -> None:
    """`id` is remembered (not with NUL); `retry` takes digits only, in milliseconds."""
    decoder = EventStreamDecoder(max_data=100)
    messages = decoder.feed(b"id: 7\nretry: 2500\ndata: x\n\nid: a\0b\nretry: 1s\n\n")
    assert messages == [ServerSentEvent(event="message", data="x", last_event_id="7")]
    assert decoder.last_event_id == "7"
    assert decoder.retry == 2.5


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("0000000000002500", 2.5),
        ("86400001", 86400.0),
        ("9" * 400, 86400.0),
        ("9" * 5000, 86400.0),
    ],
    ids=["leading zeros", "over a day", "400 digits", "5000 digits"],
)
def test_retry_of_any_length(value: str, seconds: float) -> None:
    """A `retry` of any length is a number of milliseconds, a day at most."""
    decoder = EventStreamDecoder(max_data=10_000)
    decoder.feed(f"retry: {value}\n\n".encode())
    assert decoder.retry == seconds


def test_oversized_message_dropped_whole() -> None:
    """A message beyond `max_data` is dropped and counted; the next one is fine."""
    decoder = EventStreamDecoder(max_data=20)
    first = decoder.feed(b"event: activity\ndata: " + b"x" * 15)
    second = decoder.feed(b"y" * 15 + b"\ndata: more\n\nevent: ok\ndata: small\n\n")
    assert first == []
    assert [(m.event, m.data) for m in second] == [("ok", "small")]
    assert decoder.oversized == 1


ACTIVITY = {"uuid": "u1", "type": "library.update.section", "title": "Scanning"}


@pytest.mark.parametrize(
    "data",
    [
        {"ActivityNotification": {"event": "started", "Activity": ACTIVITY}},
        {"ActivityNotification": [{"event": "started", "Activity": ACTIVITY}]},
        {
            "NotificationContainer": {
                "type": "activity",
                "ActivityNotification": [{"event": "started", "Activity": ACTIVITY}],
            }
        },
    ],
    ids=["object", "array", "container"],
)
def test_eventsource_shapes(data: dict[str, object]) -> None:
    """The EventSource's data, bare (object or list) or in a container: one event."""
    (event,) = parse_notification(json.dumps(data), event="activity")
    assert event.type is ActivityEventType.STARTED
    assert event.activity.uuid == "u1"


def test_eventsource_other_types_and_bare_websocket_frames() -> None:
    """The event name types a bare message; a websocket frame needs its container."""
    bare = json.dumps({"ActivityNotification": {"event": "started", "Activity": {}}})
    with pytest.raises(SkippedFrameError, match="other_type"):
        parse_notification(bare, event="playing")
    with pytest.raises(SkippedFrameError, match="invalid_shape"):
        parse_notification(bare)
    with pytest.raises(SkippedFrameError, match="invalid_shape"):
        parse_notification("[1]", event="activity")
