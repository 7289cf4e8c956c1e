"""Pure helpers: notification filters, XML rendering, activity building."""

from __future__ import annotations

import pytest

from plex_simulator.notifications import NotificationFilter, notification_frame
from plex_simulator.render import html_error_body, to_xml
from plex_simulator.state import build_activity


@pytest.mark.parametrize(
    ("value", "accepted", "refused"),
    [
        (None, {"activity", "playing", "status"}, {"log"}),
        ("", {"activity", "log", "playing"}, set()),
        ("-", {"activity", "log"}, set()),
        ("activity", {"activity"}, {"log", "playing", "status"}),
        ("activity, playing", {"activity", "playing"}, {"log", "status"}),
        ("-log,status", {"activity", "playing"}, {"log", "status"}),
        ("-activity", {"log", "playing"}, {"activity"}),
    ],
)
def test_filter_parse(value: str | None, accepted: set[str], refused: set[str]) -> None:
    """The ``filters`` parameter follows Plex's include/exclude rules."""
    notification_filter = NotificationFilter.parse(value)
    for notification_type in accepted:
        assert notification_filter.accepts(notification_type)
    for notification_type in refused:
        assert not notification_filter.accepts(notification_type)


def test_to_xml_escapes_and_formats() -> None:
    """Booleans become 0/1, objects and lists become children, text is escaped."""
    xml = to_xml(
        {
            "MediaContainer": {
                "size": 1,
                "flag": True,
                "ratio": 2.0,
                "skipped": None,
                "Activity": [
                    {
                        "title": 'Scanning "A & B" <1>',
                        "Context": {"librarySectionID": "1"},
                    }
                ],
            }
        }
    )
    assert xml == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<MediaContainer size="1" flag="1" ratio="2">'
        '<Activity title="Scanning &quot;A &amp; B&quot; &lt;1&gt;">'
        '<Context librarySectionID="1" /></Activity></MediaContainer>'
    )


def test_notification_frame_is_compact() -> None:
    """Frames are compact JSON like the captured ones."""
    assert notification_frame("status", "StatusNotification", [{"title": "é"}]) == (
        '{"NotificationContainer":{"type":"status","size":1,'
        '"StatusNotification":[{"title":"é"}]}}'
    )


def test_html_error_bodies() -> None:
    """Error pages name the status; 401 is Plex's exact page."""
    assert "404 Not Found" in html_error_body(404)
    assert "418 Error" in html_error_body(418)
    assert html_error_body(401).startswith("<html><head><title>Unauthorized")


def test_build_activity_defaults() -> None:
    """A new activity gets a random uuid and no empty Context."""
    first = build_activity(context={})
    second = build_activity()
    assert first["uuid"] != second["uuid"]
    assert "Context" not in first
    assert list(first) == [
        "uuid",
        "type",
        "cancellable",
        "userID",
        "title",
        "subtitle",
        "progress",
    ]
