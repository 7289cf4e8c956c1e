"""Nobody gets in and nothing leaks: token placement, redaction, TLS, the log check.

Covered elsewhere and not repeated here: URLs with other schemes, credentials, paths or
queries are rejected (tests/test_config_flow.py::test_normalize_url_rejects), the cancel
action is admin-only (tests/test_services.py::test_admin_only), and the token is kept
out of the client's repr (tests/api/test_client.py::test_repr_hides_token).
"""

from __future__ import annotations

import asyncio
import json
import logging
import traceback
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_TOKEN, CONF_VERIFY_SSL
from homeassistant.exceptions import HomeAssistantError
import pytest

from custom_components.plex_activities.api import (
    PlexAuthenticationError,
    PlexClient,
    PlexError,
)
from custom_components.plex_activities.const import (
    DOMAIN,
    SERVICE_CANCEL,
)
from custom_components.plex_activities.diagnostics import (
    async_get_config_entry_diagnostics,
)
from plex_simulator import PlexSimulator
from tests import conftest
from tests.const import FRIENDLY_NAME, MACHINE_IDENTIFIER, TOKEN
from tests.helpers import activity_entity_id, config_entry_for, settle, wait_for
from tests.tls import self_signed_server_context, tolerate_failed_handshakes

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry


def assert_token_in_header_only(simulator: PlexSimulator) -> None:
    """Every request carried the token in `X-Plex-Token` and nowhere else."""
    for request in simulator.requests:
        assert TOKEN not in request.path
        assert TOKEN not in json.dumps(request.query)
        others = {k: v for k, v in request.headers.items() if k != "X-Plex-Token"}
        assert TOKEN not in json.dumps(others)
        if request.path != "/identity":
            assert request.headers.get("X-Plex-Token") == TOKEN


async def test_token_only_in_the_header(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """A whole session (setup, push, cancel, polls, reconnects): header only."""
    coordinator = init_integration.runtime_data
    uuid = simulator.start_activity(title="Scanning Movies", cancellable=True)
    await settle(hass, simulator)
    await hass.services.async_call(
        DOMAIN,
        SERVICE_CANCEL,
        {"entity_id": activity_entity_id(hass, uuid)},
        blocking=True,
    )
    await coordinator.async_refresh()
    await simulator.drop_websockets()
    await simulator.wait_for_websockets(1, timeout=15)
    await simulator.restart()
    await wait_for(hass, lambda: coordinator.listener.stats.connects >= 3, timeout=15)
    await settle(hass, simulator)

    methods = {(r.method, r.path) for r in simulator.requests}
    assert ("DELETE", f"/activities/{uuid}") in methods
    assert ("GET", "/activities") in methods
    assert len([r for r in simulator.requests if r.websocket]) >= 3
    for request in simulator.requests:
        if request.websocket:
            assert request.query == {"filters": "activity"}
    assert_token_in_header_only(simulator)


async def test_token_in_no_output(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """Not in diagnostics, entity attributes, or the repr of client and models."""
    simulator.start_activity(
        title="Scanning Movies", cancellable=True, context={"librarySectionID": "1"}
    )
    await settle(hass, simulator)
    coordinator = init_integration.runtime_data

    diagnostics = await async_get_config_entry_diagnostics(hass, init_integration)
    dumped = json.dumps(diagnostics, default=str)
    assert TOKEN not in dumped
    assert diagnostics["entry"]["data"][CONF_TOKEN] == "**REDACTED**"
    for state in hass.states.async_all():
        assert TOKEN not in json.dumps(state.as_dict(), default=str)
    for thing in (
        coordinator.client,
        coordinator.server,
        coordinator.activities,
        coordinator.libraries,
        coordinator.listener.stats,
    ):
        assert TOKEN not in repr(thing)
        assert TOKEN not in str(thing)


def exception_text(err: BaseException) -> str:
    """Return everything an exception could show: str, repr and full traceback."""
    return "".join([str(err), repr(err), *traceback.format_exception(err)])


async def test_token_not_in_errors(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """Auth and handshake errors, at every layer, never carry the token."""
    uuid = simulator.start_activity(cancellable=True)
    await settle(hass, simulator)
    client: PlexClient = init_integration.runtime_data.client
    simulator.revoke_token("rotated")

    errors: list[BaseException] = []
    with pytest.raises(PlexAuthenticationError) as rest_error:
        await client.activities()
    errors.append(rest_error.value)
    with pytest.raises(PlexAuthenticationError) as handshake_error:
        async with client.connect_notifications():
            pass
    errors.append(handshake_error.value)
    simulator.websocket_enabled = False
    with pytest.raises(PlexError) as refused_error:
        async with client.connect_notifications():
            pass
    errors.append(refused_error.value)
    with pytest.raises(HomeAssistantError) as cancel_error:
        await hass.services.async_call(
            DOMAIN,
            SERVICE_CANCEL,
            {"config_entry_id": init_integration.entry_id, "activity_id": uuid},
            blocking=True,
        )
    errors.append(cancel_error.value)
    for err in errors:
        assert TOKEN not in exception_text(err)
    # The handshake error of aiohttp carries the request headers: it is never chained.
    assert handshake_error.value.__cause__ is None
    assert handshake_error.value.__context__ is None

    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert len(flows) == 1
    assert TOKEN not in json.dumps(flows, default=str)
    assert TOKEN not in (init_integration.reason or "")


# ------------------------------------------------------------------ TLS


@pytest.fixture
async def tls_simulator(
    socket_enabled: None, tmp_path: Path
) -> AsyncIterator[PlexSimulator]:
    """Run a simulator over https with a self-signed certificate."""
    sim = PlexSimulator(
        token=TOKEN,
        friendly_name=FRIENDLY_NAME,
        machine_identifier=MACHINE_IDENTIFIER,
        ssl_context=self_signed_server_context(tmp_path),
    )
    await sim.start()
    yield sim
    await sim.stop()


async def test_tls_verified_by_default(
    hass: HomeAssistant, tls_simulator: PlexSimulator
) -> None:
    """A certificate that does not verify stops setup with a clear error; never silently off."""
    entry = config_entry_for(tls_simulator, verify_ssl=True)
    entry.add_to_hass(hass)
    with tolerate_failed_handshakes(asyncio.get_running_loop()):
        await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert "TLS certificate" in (entry.reason or "")
    assert "could not be verified" in (entry.reason or "")
    assert entry.data[CONF_VERIFY_SSL] is True
    # Nothing, the token least of all, was sent over the unverified connection.
    assert tls_simulator.requests == []


async def test_tls_unverified_only_when_chosen(
    hass: HomeAssistant, tls_simulator: PlexSimulator
) -> None:
    """Turning verification off is an explicit choice of the entry, and then it works."""
    entry = config_entry_for(tls_simulator, verify_ssl=False)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await tls_simulator.wait_for_websockets(1)
    assert entry.state is ConfigEntryState.LOADED
    assert_token_in_header_only(tls_simulator)


# ------------------------------------------------------------------ the log check


class FakeCaplog:
    """Just what the log checks use of `caplog`, with records by phase as pytest keeps them.

    The records were logged while the test ran (its call phase); in a fixture's
    teardown, `records` holds only the teardown's, none here.
    """

    def __init__(self, records: list[logging.LogRecord]) -> None:
        """Hold these records as the call's."""
        self._call = records
        self.records: list[logging.LogRecord] = []

    def get_records(self, when: str) -> list[logging.LogRecord]:
        """Return the records of one phase."""
        return self._call if when == "call" else []

    def set_level(self, level: int) -> None:
        """Accept the level."""


def record(
    msg: str,
    *args: Any,
    exc_text: str | None = None,
    error: Exception | None = None,
    name: str = "some.logger",
) -> logging.LogRecord:
    """Return a log record that was never emitted (so this test's own logs stay clean)."""
    exc_info = None if error is None else (type(error), error, None)
    made = logging.LogRecord(name, logging.DEBUG, __file__, 1, msg, args, exc_info)
    made.exc_text = exc_text
    return made


@pytest.mark.parametrize(
    "leak",
    [
        record("token is %s", TOKEN),
        record("headers: %r", {"X-Plex-Token": TOKEN}),
        record("failed", exc_text=f"Traceback...\n  {TOKEN}"),
        record("failed", error=ValueError(f"bad {TOKEN}")),  # not formatted yet
    ],
)
def test_log_check_catches_leaks(leak: logging.LogRecord) -> None:
    """The autouse check fails a test whose logs carry the token, at any level."""
    check = conftest.token_never_logged._get_wrapped_function()
    caplog = FakeCaplog([record("harmless"), leak])
    run = check(caplog)
    next(run)
    with pytest.raises(AssertionError, match="token"):
        next(run)


def test_log_check_passes_clean_logs() -> None:
    """The same check lets clean logs through."""
    check = conftest.token_never_logged._get_wrapped_function()
    clean = [
        record("connected to %s", "http://127.0.0.1:32400"),
        # The simulator is the Plex server: it may see the token.
        record("token %s accepted", TOKEN, name="plex_simulator.app"),
    ]
    run = check(FakeCaplog(clean))
    next(run)
    with pytest.raises(StopIteration):
        next(run)


def test_deprecation_check_catches_reports() -> None:
    """The autouse check fails a test in which Home Assistant reports a deprecated call."""
    check = conftest.no_deprecated_calls._get_wrapped_function()
    report = record(
        "Detected that custom integration 'plex_activities' calls `x`, which is"
        " deprecated and will stop working in Home Assistant 2027.8.0"
    )
    run = check(FakeCaplog([record("harmless"), report]))
    next(run)
    with pytest.raises(AssertionError, match="Detected that"):
        next(run)
