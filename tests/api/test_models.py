"""Parsing of REST payloads and notification frames, over real and derived fixtures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.plex_activities.api import (
    Activity,
    ActivityEvent,
    ActivityEventType,
    LibrarySection,
    PlexInvalidResponseError,
    ServerInfo,
    SkippedFrameError,
    parse_library_sections,
    parse_notification,
)
from custom_components.plex_activities.api.activities import (
    activity_entries,
    parse_activity_entry,
)

FIXTURES = Path(__file__).parent.parent / "fixtures"


def parse_activities(data: Any) -> list[Activity]:
    """Parse `GET /activities` as `PlexClient.activities` does, without its slices."""
    return [
        activity
        for entry in activity_entries(data)
        if (activity := parse_activity_entry(entry)) is not None
    ]


def fixture_text(name: str) -> str:
    """Return a fixture file's text."""
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_activities_list_fixture() -> None:
    """The activity list payload becomes typed activities."""
    [activity] = parse_activities(
        json.loads(fixture_text("DERIVED_activities_list.json"))
    )
    assert activity == Activity(
        uuid="c3f190e4-eabb-4b3d-8811-b7c1f183560e",
        type="library.update.section",
        title="Scanning Photos",
        subtitle="4th Birthday",
        progress=30,
        cancellable=False,
        user_id=1,
        context={"librarySectionID": "1"},
    )
    assert activity.library_section_id == "1"


def test_activities_empty_fixture() -> None:
    """No `Activity` key means nothing runs."""
    assert (
        parse_activities(json.loads(fixture_text("DERIVED_activities_empty.json")))
        == []
    )


def test_identity_fixture() -> None:
    """Identity needs a machine identifier; the real capture has it blanked."""
    payload = json.loads(fixture_text("identity_arr_mcp.json"))
    with pytest.raises(PlexInvalidResponseError):
        ServerInfo.from_json(payload)
    payload["MediaContainer"]["machineIdentifier"] = "abc"
    identity = ServerInfo.from_json(payload)
    assert identity == ServerInfo(
        machine_identifier="abc",
        friendly_name="Plex Media Server",
        version="1.43.3.10896-cb3ebc72d",
        platform="",
        platform_version="",
    )


def test_server_info_defaults() -> None:
    """Missing optional keys get sensible defaults."""
    info = ServerInfo.from_json({"MediaContainer": {"machineIdentifier": 42}})
    assert info == ServerInfo(
        machine_identifier="42",
        friendly_name="Plex Media Server",
        version="",
        platform="",
        platform_version="",
    )


def test_library_sections() -> None:
    """Sections without a key are left out; a single object is a list of one."""
    payload = {
        "MediaContainer": {
            "Directory": [
                {"key": "1", "title": "Movies", "type": "movie"},
                {"key": 2, "type": "show"},
                {"title": "no key"},
                "junk",
            ]
        }
    }
    assert parse_library_sections(payload) == [
        LibrarySection(key="1", title="Movies", type="movie"),
        LibrarySection(key="2", title="2", type="show"),
    ]
    single = {"MediaContainer": {"Directory": {"key": "3", "title": "Music"}}}
    assert parse_library_sections(single) == [
        LibrarySection(key="3", title="Music", type="")
    ]
    with pytest.raises(PlexInvalidResponseError):
        parse_library_sections({"MediaContainer": {"Directory": "x"}})


@pytest.mark.parametrize(
    "payload",
    [None, [], "text", {"MediaContainer": []}, {"MediaContainer": {"Activity": 3}}],
)
def test_activities_wrong_shapes(payload: Any) -> None:
    """A payload that is not an activity list raises our invalid-response error."""
    with pytest.raises(PlexInvalidResponseError):
        parse_activities(payload)


def test_activities_skip_bad_entries() -> None:
    """Entries without a uuid are dropped, the rest kept; a single object works."""
    payload = {"MediaContainer": {"Activity": [{"type": "x"}, {"uuid": "u1"}, 5]}}
    assert [a.uuid for a in parse_activities(payload)] == ["u1"]
    single = {"MediaContainer": {"Activity": {"uuid": 7, "type": "t"}}}
    assert parse_activities(single)[0].uuid == "7"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (30, 30),
        (30.6, 31),
        ("45", 45),
        (" 12.2 ", 12),
        (-1, None),
        (-0.5, None),
        (150, 100),
        (float("inf"), 100),
        (float("nan"), None),
        ("abc", None),
        (True, None),
        (None, None),
        ([], None),
    ],
)
def test_progress_tolerance(raw: Any, expected: int | None) -> None:
    """Progress is clamped to 0-100; -1 and nonsense mean unknown."""
    assert Activity.from_json({"uuid": "u", "progress": raw}).progress == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("0", False),
        (1, True),
        (0, False),
        (True, True),
        ("true", True),
        (None, False),
        ("yes", False),
    ],
)
def test_cancellable_tolerance(raw: Any, expected: bool) -> None:
    """`cancellable` arrives as a boolean in JSON and as "0"/"1" from XML-minded servers."""
    assert Activity.from_json({"uuid": "u", "cancellable": raw}).cancellable is expected


def test_activity_tolerance() -> None:
    """Ids as ints or strings, unknown types, extra keys and missing keys are fine."""
    activity = Activity.from_json(
        {
            "uuid": 12,
            "userID": "3",
            "extra": {"x": 1},
            "Context": {"librarySectionID": 4},
            "Response": {"ok": True},
            "title": 5,
        }
    )
    assert activity.uuid == "12"
    assert activity.type == "unknown"
    assert activity.user_id == 3
    assert activity.title == "5"
    assert activity.subtitle == ""
    assert activity.library_section_id == "4"
    assert activity.response == {"ok": True}
    assert Activity.from_json({"uuid": "u", "userID": "x"}).user_id is None
    assert Activity.from_json({"uuid": "u", "userID": True}).user_id is None
    assert Activity.from_json({"uuid": "u", "userID": 1.5}).user_id is None
    assert (
        Activity.from_json(
            {"uuid": "u", "Context": {"librarySectionID": True}}
        ).library_section_id
        is None
    )
    assert (
        Activity.from_json(
            {"uuid": "u", "Context": {"librarySectionID": " "}}
        ).library_section_id
        is None
    )
    assert (
        Activity.from_json(
            {"uuid": "u", "Context": {"librarySectionID": []}}
        ).library_section_id
        is None
    )
    for bad in ({"uuid": ""}, {"uuid": True}, {}, []):
        with pytest.raises(PlexInvalidResponseError):
            Activity.from_json(bad)


def test_notification_updated_fixture() -> None:
    """The real `updated` capture becomes one event with the whole activity."""
    [event] = parse_notification(fixture_text("ws_activity_updated.json"))
    assert event.type is ActivityEventType.UPDATED
    assert event.activity.uuid == "fe1365a6-2873-4381-9760-94f665fce24f"
    assert event.activity.title == "Refreshing"
    assert event.activity.subtitle == "Augmenting metadata"
    assert event.activity.progress == 0
    assert event.activity.context == {"key": "/library/metadata/16417/children"}


def test_notification_ended_fixture() -> None:
    """The real `ended` capture carries the last state."""
    [event] = parse_notification(fixture_text("ws_activity_ended.json"))
    assert event.type is ActivityEventType.ENDED
    assert event.activity.progress == 100


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("ws_activity_started_TRUNCATED.txt", "invalid_json"),
        ("ws_update_statechange.json", "other_type"),
        ("ws_timeline_deleted_epg.json", "other_type"),
        ("ws_transcodesession_update.json", "other_type"),
        ("ws_playing_plexkodiconnect.json", "other_type"),
        ("ws_log_plexopedia.json", "other_type"),
        ("legacy_ws_playing_children.json", "invalid_shape"),
    ],
)
def test_notification_skipped_fixtures(name: str, reason: str) -> None:
    """Everything that is not an activity notification is skipped with a reason."""
    with pytest.raises(SkippedFrameError) as err:
        parse_notification(fixture_text(name))
    assert err.value.reason == reason


def _frame(entries: Any, type_: str = "activity") -> str:
    return json.dumps(
        {
            "NotificationContainer": {
                "type": type_,
                "size": 1,
                "ActivityNotification": entries,
            }
        }
    )


@pytest.mark.parametrize(
    ("frame", "reason"),
    [
        ("x" * (1024 * 1024 + 1), "too_large"),
        ("{", "invalid_json"),
        ("[1]", "invalid_shape"),
        ('{"NotificationContainer": 1}', "invalid_shape"),
        (_frame("nope"), "invalid_shape"),
        (_frame([]), "invalid_activity"),
        (_frame([{"event": "started"}]), "invalid_activity"),
        (
            _frame([{"event": "exploded", "Activity": {"uuid": "u"}}]),
            "invalid_activity",
        ),
        (_frame([{"event": 5, "Activity": {"uuid": "u"}}]), "invalid_activity"),
        (_frame([{"event": "started", "Activity": {"type": "t"}}]), "invalid_activity"),
        (_frame([7]), "invalid_activity"),
        ("[" * 100_000 + "]" * 100_000, "invalid_json"),
    ],
)
def test_notification_malformed(frame: str, reason: str) -> None:
    """Malformed frames are skipped, never raised as anything else."""
    with pytest.raises(SkippedFrameError) as err:
        parse_notification(frame)
    assert err.value.reason == reason


def test_notification_variants() -> None:
    """A single entry object, a uuid only on the entry, and bytes frames all work."""
    frame = _frame({"event": "started", "uuid": "u9", "Activity": {"type": "butler"}})
    [event] = parse_notification(frame.encode())
    assert event == ActivityEvent(
        type=ActivityEventType.STARTED, activity=Activity(uuid="u9", type="butler")
    )
    mixed = _frame(
        [
            {"event": "updated", "Activity": {"uuid": "a", "progress": 5}},
            {"event": "bogus", "Activity": {"uuid": "b"}},
            {"event": "ended", "Activity": {"uuid": "c"}},
        ]
    )
    assert [(e.type, e.activity.uuid) for e in parse_notification(mixed)] == [
        (ActivityEventType.UPDATED, "a"),
        (ActivityEventType.ENDED, "c"),
    ]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
activity_like = st.fixed_dictionaries(
    {},
    optional={
        "uuid": json_values | st.uuids().map(str),
        "type": json_values,
        "title": json_values,
        "subtitle": json_values,
        "progress": json_values,
        "cancellable": json_values,
        "userID": json_values,
        "Context": json_values,
    },
)
frame_like = st.fixed_dictionaries(
    {
        "NotificationContainer": st.fixed_dictionaries(
            {"type": st.sampled_from(["activity", "status", 3])},
            optional={
                "ActivityNotification": st.lists(
                    st.fixed_dictionaries(
                        {},
                        optional={
                            "event": st.sampled_from(
                                ["started", "updated", "ended", "x"]
                            )
                            | json_values,
                            "uuid": json_values,
                            "Activity": activity_like | json_values,
                        },
                    )
                    | json_values,
                    max_size=3,
                )
                | json_values
            },
        )
    }
)


SKIP_REASONS = {
    "too_large",
    "invalid_json",
    "invalid_shape",
    "other_type",
    "invalid_activity",
}


def _check_frame(frame: str | bytes) -> None:
    reason: str | None = None
    events: list[ActivityEvent] = []
    try:
        events = parse_notification(frame)
    except SkippedFrameError as err:
        reason = err.reason
    if reason is not None:
        assert reason in SKIP_REASONS
        return
    assert events
    for event in events:
        assert isinstance(event, ActivityEvent)
        assert isinstance(event.activity.uuid, str)
        assert event.activity.uuid
        progress = event.activity.progress
        assert progress is None or 0 <= progress <= 100


@settings(max_examples=1500, deadline=None)
@given(frame_like)
def test_fuzz_structured_frames(data: dict[str, Any]) -> None:
    """Frames shaped like notifications: only a parsed event or a skipped frame."""
    _check_frame(json.dumps(data))


@settings(max_examples=1000, deadline=None)
@given(json_values)
def test_fuzz_arbitrary_json(data: Any) -> None:
    """Any JSON document: only a parsed event or a skipped frame."""
    _check_frame(json.dumps(data))


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=200) | st.binary(max_size=200))
def test_fuzz_text_and_bytes(data: str | bytes) -> None:
    """Any text or bytes: only a parsed event or a skipped frame."""
    _check_frame(data)


@settings(max_examples=1000, deadline=None)
@given(
    json_values
    | st.fixed_dictionaries(
        {
            "MediaContainer": st.fixed_dictionaries(
                {},
                optional={
                    "Activity": st.lists(activity_like | json_values, max_size=4)
                    | json_values
                },
            )
        }
    )
)
def test_fuzz_activity_lists(data: Any) -> None:
    """Any `/activities` body: a list of activities or our invalid-response error."""
    try:
        activities = parse_activities(data)
    except PlexInvalidResponseError:
        return
    assert all(isinstance(a, Activity) and a.uuid for a in activities)
