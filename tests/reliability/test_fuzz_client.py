"""REST client fuzzing: whatever a server answers, only documented outcomes.

A tiny aiohttp server on 127.0.0.1 answers each request with a generated status,
content type and body; every client call must return its parsed model or raise one
of our PlexError subclasses (never anything else, and never with the token).
"""

from __future__ import annotations

from dataclasses import dataclass
import json
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web
from hypothesis import HealthCheck, given, settings, strategies as st
import pytest

from custom_components.plex_activities.api import (
    Activity,
    ButlerTask,
    LibrarySection,
    PlexAuthenticationError,
    PlexClient,
    PlexConnectionError,
    PlexError,
    PlexInvalidResponseError,
    PlexNotCancellableError,
    PlexNotFoundError,
    ServerInfo,
)
from custom_components.plex_activities.api.rest import TOKEN_REJECTED_STATUSES
from tests.const import CLIENT_IDENTIFIER, TOKEN

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


@dataclass
class Answer:
    """What the fuzz server answers next."""

    status: int = 200
    content_type: str = "application/json"
    body: bytes = b"{}"


@dataclass
class FuzzServer:
    """The running server and the client pointed at it."""

    answer: Answer
    client: PlexClient


@pytest.fixture
async def fuzz_server(socket_enabled: None) -> AsyncIterator[FuzzServer]:
    """Serve generated answers on a loopback port, with a client pointed at it."""
    answer = Answer()

    async def handle(request: web.Request) -> web.Response:
        return web.Response(
            status=answer.status,
            body=answer.body,
            headers={"Content-Type": answer.content_type},
        )

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    async with aiohttp.ClientSession() as session:
        client = PlexClient(
            session,
            f"http://127.0.0.1:{site.port}",
            TOKEN,
            client_identifier=CLIENT_IDENTIFIER,
            request_timeout=5.0,
        )
        yield FuzzServer(answer=answer, client=client)
    await runner.cleanup()


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=16,
)
entries = st.dictionaries(
    st.sampled_from(
        ["uuid", "type", "title", "progress", "cancellable", "key", "Context"]
    ),
    json_values,
    max_size=7,
)
containers = st.fixed_dictionaries(
    {
        "MediaContainer": st.dictionaries(
            st.sampled_from(
                [
                    "Activity",
                    "Directory",
                    "machineIdentifier",
                    "friendlyName",
                    "claimed",
                ]
            ),
            json_values | entries | st.lists(entries, max_size=3),
            max_size=5,
        )
    }
)
bodies = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(str.encode),
    json_values.map(lambda value: json.dumps(value).encode()),
    containers.map(lambda value: json.dumps(value).encode()),
)
statuses = st.one_of(
    st.just(200),
    st.sampled_from([204, 301, 400, 401, 403, 404, 500, 502, 503]),
    st.integers(200, 599),
)
content_types = st.sampled_from(
    ["application/json", "text/html", "text/plain", "application/octet-stream"]
)

CALLS: dict[str, tuple[str, Any]] = {
    "identity": ("GET", ServerInfo),
    "server_info": ("GET", ServerInfo),
    "activities": ("GET", list),
    "library_sections": ("GET", list),
    "butler_tasks": ("GET", list),
    "cancel_activity": ("DELETE", type(None)),
}


def expected_error(status: int, method: str) -> type[PlexError] | None:
    """Return the error a status must give, or None if the body decides."""
    # 401, 403 and 498; the activity list that tells a refused cancel from a rejected
    # token gets the same answer here, so a refused DELETE is a rejected token too.
    if status in TOKEN_REJECTED_STATUSES:
        return PlexAuthenticationError
    if status == 404:
        return PlexNotFoundError
    if status == 400 and method == "DELETE":
        return PlexNotCancellableError
    if status >= 500:
        return PlexConnectionError
    if status >= 300:
        return PlexInvalidResponseError
    return None


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(status=statuses, content_type=content_types, body=bodies)
async def test_fuzz_rest_answers(
    fuzz_server: FuzzServer, status: int, content_type: str, body: bytes
) -> None:
    """Every answer ends as the parsed model or the PlexError its status calls for.

    Anything else (aiohttp's own exceptions, ValueError, KeyError, ...) fails the test.
    """
    fuzz_server.answer.status = status
    fuzz_server.answer.content_type = content_type
    fuzz_server.answer.body = body
    client = fuzz_server.client
    for name, (method, model) in CALLS.items():
        call = getattr(client, name)
        required = expected_error(status, method)
        if required is not None:
            with pytest.raises(required) as err:
                await (call("some-uuid") if method == "DELETE" else call())
            assert TOKEN not in f"{err.value}{err.value!r}"
            continue
        try:
            result = await (call("some-uuid") if method == "DELETE" else call())
        except PlexInvalidResponseError as invalid:  # a 2xx that is not the model
            assert TOKEN not in f"{invalid}{invalid!r}"  # noqa: PT017
            continue
        assert isinstance(result, model)
        if name == "activities":
            assert all(isinstance(item, Activity) for item in result)
        if name == "library_sections":
            assert all(isinstance(item, LibrarySection) for item in result)
        if name == "butler_tasks":
            assert all(isinstance(item, ButlerTask) for item in result)
