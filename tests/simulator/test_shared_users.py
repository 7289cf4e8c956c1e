"""A server shared with other users: each sees and cancels only its own activities."""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiohttp
import pytest

from .helpers import JSON_HEADERS, TOKEN, connect, receive_json
from .test_eventsource import fields, open_stream, read_message

if TYPE_CHECKING:
    from plex_simulator import PlexSimulator

SHARED = "shared-user-token"
SHARED_ID = 4711
SHARED_HEADERS = {"X-Plex-Token": SHARED, "Accept": "application/json"}


@pytest.fixture
def two_users(sim: PlexSimulator) -> tuple[str, str]:
    """Share `sim` with one user; start an owner's and that user's activity."""
    sim.shared_users.add(SHARED, SHARED_ID)
    owners = sim.start_activity(title="Scanning Movies", cancellable=True)
    users = sim.start_activity(
        title="Preparing a download", cancellable=True, user_id=SHARED_ID
    )
    return owners, users


async def _listed(session: aiohttp.ClientSession, url: str, token: str) -> list[str]:
    headers = {"X-Plex-Token": token, "Accept": "application/json"}
    async with session.get(f"{url}/activities", headers=headers) as response:
        assert response.status == 200
        body = await response.json()
    return [a["uuid"] for a in body["MediaContainer"].get("Activity", [])]


async def test_each_user_lists_its_own(
    sim: PlexSimulator, session: aiohttp.ClientSession, two_users: tuple[str, str]
) -> None:
    """The owner lists every activity; a shared user only its own."""
    owners, users = two_users
    assert await _listed(session, sim.url, TOKEN) == [owners, users]
    assert await _listed(session, sim.url, SHARED) == [users]
    sim.end_activity(users)
    assert await _listed(session, sim.url, SHARED) == []


async def test_notifications_per_user(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """Activity notifications reach a shared user only for its own activities.

    Other notification types reach everyone, over the websocket and the EventSource.
    """
    sim.shared_users.add(SHARED, SHARED_ID)
    owner = await connect(session, sim, filters="activity,status")
    user = await connect(session, sim, filters="activity,status", token=SHARED)
    stream = await open_stream(session, sim, token=SHARED)
    sim.start_activity(title="Scanning Movies")
    users = sim.start_activity(title="Preparing a download", user_id=SHARED_ID)
    sim.send_notification("status", "StatusNotification", [{"title": "for all"}])
    await sim.flush()
    owner_frames = [await receive_json(owner) for _ in range(3)]
    assert [f["NotificationContainer"]["type"] for f in owner_frames] == [
        "activity",
        "activity",
        "status",
    ]
    first, second = [await receive_json(user) for _ in range(2)]
    (entry,) = first["NotificationContainer"]["ActivityNotification"]
    assert entry["uuid"] == users
    assert second["NotificationContainer"]["type"] == "status"
    event, data = fields(await read_message(stream))
    assert (event, data["ActivityNotification"]["uuid"]) == ("activity", users)
    stream.close()
    await owner.close()
    await user.close()


async def test_cancel_own_activity(
    sim: PlexSimulator, session: aiohttp.ClientSession, two_users: tuple[str, str]
) -> None:
    """A shared user cancels its own activity like the owner does."""
    _owners, users = two_users
    async with session.delete(
        f"{sim.url}/activities/{users}", headers=SHARED_HEADERS
    ) as response:
        assert response.status == 200
    assert users not in sim.activities


@pytest.mark.parametrize("status", [403, 401, 404])
async def test_cancel_someone_elses_activity(
    sim: PlexSimulator,
    session: aiohttp.ClientSession,
    two_users: tuple[str, str],
    status: int,
) -> None:
    """Someone else's activity is refused with `refusal_status` and keeps running.

    403 by default; 401 and 404 as Plex may answer instead. The owner still cancels it.
    """
    owners, _users = two_users
    if status != 403:
        sim.shared_users.refusal_status = status
    url = f"{sim.url}/activities/{owners}"
    async with session.delete(url, headers=SHARED_HEADERS) as response:
        assert response.status == status
        assert response.content_type == "text/html"
    assert owners in sim.activities
    async with session.delete(url, headers=JSON_HEADERS) as response:
        assert response.status == 200
    assert owners not in sim.activities


async def test_what_else_a_shared_user_may_do(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """The root and the library list answer; the owner's work is refused."""
    sim.shared_users.add(SHARED, SHARED_ID)
    for path in ("/", "/library/sections"):
        async with session.get(sim.url + path, headers=SHARED_HEADERS) as response:
            assert response.status == 200, path
    for method, path in (("GET", "/library/sections/1/refresh"), ("POST", "/butler")):
        async with session.request(
            method, sim.url + path, headers=SHARED_HEADERS
        ) as response:
            assert response.status == 403, path
    assert not sim.library_ops.scanning()


async def test_unshared_token_is_wrong(
    sim: PlexSimulator, session: aiohttp.ClientSession, two_users: tuple[str, str]
) -> None:
    """Once the server is no longer shared, the token gets the wrong token's status."""
    owners, _users = two_users
    sim.shared_users.remove(SHARED)
    sim.auth_failure_status = 498
    async with session.get(f"{sim.url}/activities", headers=SHARED_HEADERS) as answer:
        assert answer.status == 498
    async with session.delete(
        f"{sim.url}/activities/{owners}", headers=SHARED_HEADERS
    ) as answer:
        assert answer.status == 498


async def test_new_owner_token_keeps_shared_users(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """Revoking the owner's token closes the owner's websockets, not a shared user's."""
    sim.shared_users.add(SHARED, SHARED_ID)
    owner = await connect(session, sim)
    user = await connect(session, sim, token=SHARED)
    sim.token = "new-owner-token"
    await sim.wait_for_websocket_count(1)
    assert (await owner.receive(timeout=2.0)).type is aiohttp.WSMsgType.CLOSE
    assert not user.closed
    assert await _listed(session, sim.url, SHARED) == []
    await user.close()


async def test_stop_sharing_closes_the_users_channels(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """Stopping to share ends the user's websocket and stream, not the owner's."""
    sim.shared_users.add(SHARED, SHARED_ID)
    owner = await connect(session, sim)
    user = await connect(session, sim, token=SHARED)
    stream = await open_stream(session, sim, token=SHARED)
    await sim.wait_for_websocket_count(3)
    sim.stop_sharing(SHARED)
    await sim.wait_for_websocket_count(1, timeout=2.0)
    message = await user.receive(timeout=2.0)
    assert message.type is aiohttp.WSMsgType.CLOSE
    assert message.data == aiohttp.WSCloseCode.POLICY_VIOLATION
    assert await stream.content.read() == b""
    assert not owner.closed
    async with session.get(f"{sim.url}/activities", headers=SHARED_HEADERS) as answer:
        assert answer.status == 401
    await owner.close()
