"""The client on a server shared with its user: refusals are not rejected tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from custom_components.plex_activities.api import (
    PlexAuthenticationError,
    PlexClient,
    PlexNotAllowedError,
    PlexNotFoundError,
)
from tests.const import CLIENT_IDENTIFIER, SHARED_TOKEN

if TYPE_CHECKING:
    import aiohttp

    from plex_simulator import PlexSimulator

SHARED_USER_ID = 4711


@pytest.fixture
def shared_client(
    session: aiohttp.ClientSession, simulator: PlexSimulator
) -> PlexClient:
    """Return a client with the token of a user the simulator is shared with."""
    simulator.shared_users.add(SHARED_TOKEN, SHARED_USER_ID)
    return PlexClient(
        session,
        simulator.url,
        SHARED_TOKEN,
        client_identifier=CLIENT_IDENTIFIER,
        request_timeout=2.0,
    )


def _requests(simulator: PlexSimulator) -> list[tuple[str, str]]:
    return [(request.method, request.path) for request in simulator.requests]


async def test_own_activities_only(
    shared_client: PlexClient, simulator: PlexSimulator
) -> None:
    """The user lists and cancels its own activities."""
    simulator.start_activity(cancellable=True)
    own = simulator.start_activity(cancellable=True, user_id=SHARED_USER_ID)
    assert [a.uuid for a in await shared_client.activities()] == [own]
    await shared_client.cancel_activity(own)
    assert own not in simulator.activities


@pytest.mark.parametrize("status", [403, 401])
async def test_someone_elses_activity_is_not_allowed(
    shared_client: PlexClient, simulator: PlexSimulator, status: int
) -> None:
    """A refused cancel is "not allowed", not a rejected token, with 403 or 401.

    The activity list, asked once, tells the two apart; the error names no token.
    """
    simulator.shared_users.refusal_status = status
    owners = simulator.start_activity(cancellable=True)
    simulator.clear_requests()
    with pytest.raises(PlexNotAllowedError, match=f"HTTP {status}") as err:
        await shared_client.cancel_activity(owners)
    assert SHARED_TOKEN not in str(err.value)
    assert _requests(simulator) == [
        ("DELETE", f"/activities/{owners}"),
        ("GET", "/activities"),
    ]
    assert owners in simulator.activities


async def test_hidden_activity_is_not_found(
    shared_client: PlexClient, simulator: PlexSimulator
) -> None:
    """A server that hides someone else's activity answers 404: not found."""
    simulator.shared_users.refusal_status = 404
    owners = simulator.start_activity(cancellable=True)
    with pytest.raises(PlexNotFoundError):
        await shared_client.cancel_activity(owners)


@pytest.mark.parametrize("status", [401, 403])
async def test_revoked_token_is_still_rejected(
    shared_client: PlexClient, simulator: PlexSimulator, status: int
) -> None:
    """Once the server is no longer shared, a cancel reports the rejected token."""
    owners = simulator.start_activity(cancellable=True)
    simulator.shared_users.remove(SHARED_TOKEN)
    simulator.auth_failure_status = status
    with pytest.raises(PlexAuthenticationError, match=f"HTTP {status}"):
        await shared_client.cancel_activity(owners)


async def test_expired_token_needs_no_check(
    shared_client: PlexClient, simulator: PlexSimulator
) -> None:
    """498 is an expired token whatever the request: no activity list is asked."""
    simulator.shared_users.refusal_status = 498
    owners = simulator.start_activity(cancellable=True)
    simulator.clear_requests()
    with pytest.raises(PlexAuthenticationError, match="HTTP 498"):
        await shared_client.cancel_activity(owners)
    assert _requests(simulator) == [("DELETE", f"/activities/{owners}")]


async def test_the_owners_work_is_not_allowed(
    shared_client: PlexClient, simulator: PlexSimulator
) -> None:
    """Scans and butler tasks of a shared server are refused as "not allowed"."""
    with pytest.raises(PlexNotAllowedError):
        await shared_client.scan_section("1")
    with pytest.raises(PlexNotAllowedError):
        await shared_client.butler_tasks()
    assert not simulator.library_ops.scanning()


async def test_unanswered_check_is_not_a_rejection(
    shared_client: PlexClient, simulator: PlexSimulator
) -> None:
    """When the activity list fails too (here 503), the refusal stays a refusal."""
    owners = simulator.start_activity(cancellable=True)
    simulator.route_faults.fail("/activities", 503)
    with pytest.raises(PlexNotAllowedError):
        await shared_client.cancel_activity(owners)
