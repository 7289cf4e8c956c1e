"""The REST routes: identity, auth, content negotiation, payload shapes, cancel."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from plex_simulator import Library, PlexSimulator

from .helpers import (
    JSON_HEADERS,
    TOKEN,
    XML_HEADERS,
    connect,
    load_json,
    load_text,
    parse_xml,
    receive_json,
    shape,
)

if TYPE_CHECKING:
    import aiohttp

PROTECTED = ("/", "/activities", "/library/sections")
FIXTURE_ACTIVITY = load_json("DERIVED_activities_list.json")["MediaContainer"][
    "Activity"
][0]


def start_fixture_activity(sim: PlexSimulator) -> str:
    """Start the activity of ``DERIVED_activities_list.json``."""
    return sim.start_activity(
        uuid=FIXTURE_ACTIVITY["uuid"],
        type=FIXTURE_ACTIVITY["type"],
        title=FIXTURE_ACTIVITY["title"],
        subtitle=FIXTURE_ACTIVITY["subtitle"],
        progress=FIXTURE_ACTIVITY["progress"],
        cancellable=FIXTURE_ACTIVITY["cancellable"],
        user_id=FIXTURE_ACTIVITY["userID"],
        context=FIXTURE_ACTIVITY["Context"],
    )


async def fixture_listing(
    sim: PlexSimulator,
    session: aiohttp.ClientSession,
    headers: dict[str, str],
    content_type: str,
) -> str:
    """Start the fixture's activity; return ``/activities`` (200, ``content_type``)."""
    start_fixture_activity(sim)
    async with session.get(f"{sim.url}/activities", headers=headers) as response:
        assert response.status == 200
        assert response.content_type == content_type
        return await response.text()


async def test_identity_without_token_json(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """``/identity`` answers without a token, shaped like a real server's."""
    async with session.get(
        f"{sim.url}/identity", headers={"Accept": "application/json"}
    ) as response:
        assert response.status == 200
        assert response.content_type == "application/json"
        body = await response.json()
    expected = load_json("identity_arr_mcp.json")
    assert shape(body) == shape(expected)
    assert list(body["MediaContainer"]) == list(expected["MediaContainer"])
    container = body["MediaContainer"]
    assert container["size"] == 0
    assert container["claimed"] is True
    assert container["machineIdentifier"] == "simulated0machine0identifier0001"
    assert container["version"] == "1.43.0.10000-simulated"


async def test_identity_xml_by_default(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """Without ``Accept: application/json`` the answer is XML like Plex's."""
    async with session.get(f"{sim.url}/identity") as response:
        assert response.status == 200
        assert response.content_type == "text/xml"
        root = parse_xml(await response.text())
    expected = parse_xml(load_text("identity_plexopedia.xml"))
    assert root.tag == expected.tag == "MediaContainer"
    assert set(expected.attrib) <= set(root.attrib)
    assert root.attrib["claimed"] == "1"
    assert root.attrib["size"] == "0"
    assert len(root) == 0


@pytest.mark.parametrize("path", PROTECTED)
@pytest.mark.parametrize(
    ("headers", "query"),
    [
        ({}, {}),
        ({"X-Plex-Token": "wrong"}, {}),
        ({}, {"X-Plex-Token": "wrong"}),
    ],
    ids=["missing", "wrong-header", "wrong-query"],
)
async def test_unauthorized(
    sim: PlexSimulator,
    session: aiohttp.ClientSession,
    path: str,
    headers: dict[str, str],
    query: dict[str, str],
) -> None:
    """A missing or wrong token gets Plex's exact 401 HTML page."""
    async with session.get(
        sim.url + path, headers={**headers, "Accept": "application/json"}, params=query
    ) as response:
        assert response.status == 401
        assert response.content_type == "text/html"
        assert response.headers["X-Plex-Protocol"] == "1.0"
        body = await response.text()
    assert body == load_text("unauthorized_401.html").rstrip("\n")
    assert len(body.encode()) == 91


async def test_unauthorized_delete(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """Cancelling needs a token too, and a refused cancel changes nothing."""
    activity_uuid = sim.start_activity(cancellable=True)
    async with session.delete(f"{sim.url}/activities/{activity_uuid}") as response:
        assert response.status == 401
    assert activity_uuid in sim.activities


@pytest.mark.parametrize("in_query", [False, True], ids=["header", "query"])
async def test_token_in_header_or_query(
    sim: PlexSimulator, session: aiohttp.ClientSession, in_query: bool
) -> None:
    """The token is accepted as a header and as a query parameter."""
    if in_query:
        request = session.get(
            f"{sim.url}/activities",
            params={"X-Plex-Token": TOKEN},
            headers={"Accept": "application/json"},
        )
    else:
        request = session.get(f"{sim.url}/activities", headers=JSON_HEADERS)
    async with request as response:
        assert response.status == 200
        assert await response.json() == load_json("DERIVED_activities_empty.json")


async def test_activities_json_matches_fixture(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """``/activities`` in JSON is exactly the shape of the fixture."""
    body = await fixture_listing(sim, session, JSON_HEADERS, "application/json")
    assert json.loads(body) == load_json("DERIVED_activities_list.json")


async def test_activities_json_types(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """Booleans, integers and an indeterminate progress keep their JSON types."""
    sim.start_activity(type="butler", title="Optimizing", progress=-1)
    async with session.get(f"{sim.url}/activities", headers=JSON_HEADERS) as response:
        body = await response.json()
    (activity,) = body["MediaContainer"]["Activity"]
    assert "Context" not in activity
    assert activity["progress"] == -1
    expected = dict(shape(FIXTURE_ACTIVITY))
    del expected["Context"]
    assert shape(activity) == expected


async def test_activities_xml_matches_fixture(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """``/activities`` in XML has the attributes and children of the capture."""
    root = parse_xml(await fixture_listing(sim, session, XML_HEADERS, "text/xml"))
    expected = parse_xml(load_text("activities_list_plexopedia.xml"))
    assert root.attrib == expected.attrib
    ((activity, expected_activity),) = zip(root, expected, strict=True)
    assert activity.tag == expected_activity.tag == "Activity"
    assert activity.attrib == expected_activity.attrib
    assert [(c.tag, c.attrib) for c in activity] == [
        (c.tag, c.attrib) for c in expected_activity
    ]


async def test_activities_xml_empty(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """Without activities the XML container has size 0 and no children."""
    async with session.get(f"{sim.url}/activities", headers=XML_HEADERS) as response:
        root = parse_xml(await response.text())
    assert root.attrib == {"size": "0"}
    assert len(root) == 0


async def test_root_json_and_xml(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """The server root carries the identity attributes and Directory children."""
    async with session.get(f"{sim.url}/", headers=JSON_HEADERS) as response:
        assert response.status == 200
        container = (await response.json())["MediaContainer"]
    assert container["friendlyName"] == "Plex Simulator"
    assert container["machineIdentifier"] == "simulated0machine0identifier0001"
    assert container["platform"] == "Linux"
    assert isinstance(container["platformVersion"], str)
    assert isinstance(container["myPlexUsername"], str)
    assert {"key": "activities", "title": "activities", "count": 1} in container[
        "Directory"
    ]
    assert container["size"] == len(container["Directory"])

    async with session.get(f"{sim.url}/", headers=XML_HEADERS) as response:
        assert response.content_type == "text/xml"
        root = parse_xml(await response.text())
    expected = parse_xml(load_text("server_root_ha_fixture.xml"), declaration=False)
    assert set(root.attrib) <= set(expected.attrib)
    for name in (
        "friendlyName",
        "machineIdentifier",
        "version",
        "platform",
        "platformVersion",
        "myPlexUsername",
        "myPlexSubscription",
        "multiuser",
        "transcoderActiveVideoSessions",
        "updatedAt",
    ):
        assert name in root.attrib
    assert root.attrib["allowSync"] == "1"
    assert {child.tag for child in root} == {"Directory"}
    assert {child.attrib["key"] for child in root} <= {
        child.attrib["key"] for child in expected
    }


async def test_library_sections(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """``/library/sections`` lists the default libraries with string keys."""
    sim.start_activity(context={"librarySectionID": "2"})
    async with session.get(
        f"{sim.url}/library/sections", headers=JSON_HEADERS
    ) as response:
        assert response.status == 200
        container = (await response.json())["MediaContainer"]
    assert container["size"] == 4
    directories = container["Directory"]
    assert [(d["key"], d["type"], d["title"]) for d in directories] == [
        ("1", "movie", "Movies"),
        ("2", "show", "TV Shows"),
        ("3", "artist", "Music"),
        ("4", "photo", "Photos"),
    ]
    for directory in directories:
        assert isinstance(directory["agent"], str)
        assert isinstance(directory["scanner"], str)
        assert isinstance(directory["uuid"], str)
    assert [d["refreshing"] for d in directories] == [False, True, False, False]

    async with session.get(
        f"{sim.url}/library/sections", headers=XML_HEADERS
    ) as response:
        root = parse_xml(await response.text())
    assert [d.attrib["refreshing"] for d in root] == ["0", "1", "0", "0"]
    assert [d.find("Location") is not None for d in root] == [True] * 4


async def test_custom_libraries() -> None:
    """Libraries given to the constructor replace the default ones."""
    sim = PlexSimulator(libraries=[Library(key="7", title="Films", type="movie")])
    assert sim.libraries == (Library(key="7", title="Films", type="movie"),)


async def test_delete_cancellable(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """Cancelling a cancellable activity answers 200, empty, and ends it."""
    websocket = await connect(session, sim)
    activity_uuid = sim.start_activity(title="Scanning Movies", cancellable=True)
    assert (await receive_json(websocket))["NotificationContainer"][
        "ActivityNotification"
    ][0]["event"] == "started"
    async with session.delete(
        f"{sim.url}/activities/{activity_uuid}", headers=XML_HEADERS
    ) as response:
        assert response.status == 200
        assert await response.read() == b""
    assert activity_uuid not in sim.activities
    frame = await receive_json(websocket)
    (entry,) = frame["NotificationContainer"]["ActivityNotification"]
    assert entry["event"] == "ended"
    assert entry["uuid"] == activity_uuid
    await websocket.close()


async def test_delete_not_cancellable(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """A non-cancellable activity gets 400 (HTML) and keeps running."""
    activity_uuid = sim.start_activity(cancellable=False)
    async with session.delete(
        f"{sim.url}/activities/{activity_uuid}", headers=XML_HEADERS
    ) as response:
        assert response.status == 400
        assert response.content_type == "text/html"
    assert activity_uuid in sim.activities


async def test_delete_unknown(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """An unknown uuid gets 404."""
    async with session.delete(
        f"{sim.url}/activities/00000000-0000-0000-0000-000000000000",
        headers=XML_HEADERS,
    ) as response:
        assert response.status == 404


@pytest.mark.parametrize("path", ["/nope", "/activities/", "/library/sections/1/x"])
async def test_unknown_path(
    sim: PlexSimulator, session: aiohttp.ClientSession, path: str
) -> None:
    """Paths the simulator does not serve answer 404 (HTML)."""
    async with session.get(sim.url + path, headers=XML_HEADERS) as response:
        assert response.status == 404
        assert response.content_type == "text/html"


async def test_wrong_method(sim: PlexSimulator, session: aiohttp.ClientSession) -> None:
    """A known path with an unsupported method answers 405."""
    async with session.post(f"{sim.url}/activities", headers=XML_HEADERS) as response:
        assert response.status == 405
