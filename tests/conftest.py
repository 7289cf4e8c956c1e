"""Fixtures shared by the whole suite: the Plex simulator and a configured entry."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Final
from unittest.mock import AsyncMock, PropertyMock, patch

from freezegun import freeze_time
import pytest
from pytest_homeassistant_custom_component.common import snapshot_platform
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension

# Imported at module level on purpose: otherwise the `hass` fixture puts the harness's own
# testing_config/custom_components first on sys.path and Home Assistant cannot find us.
import custom_components.plex_activities  # noqa: F401
from custom_components.plex_activities import PLATFORMS, endpoints, signin
from custom_components.plex_activities.const import DOMAIN
from custom_components.plex_activities.endpoints import PlexEndpoints
from plex_simulator import PlexSimulator
from plex_simulator.gdm import GdmResponder
from plex_simulator.plextv import PlexTvStandIn

from .const import ACCOUNT_TOKEN, FRIENDLY_NAME, MACHINE_IDENTIFIER, SHARED_TOKEN, TOKEN
from .helpers import config_entry_for, setup_integration

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.const import Platform
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers import entity_registry as er
    from pytest_homeassistant_custom_component.common import MockConfigEntry
    from syrupy.assertion import SnapshotAssertion

    type StartSimulator = Callable[..., Awaitable[PlexSimulator]]


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(request: pytest.FixtureRequest) -> None:
    """Enable custom integrations in every test that uses Home Assistant."""
    if "hass" in request.fixturenames:
        request.getfixturevalue("enable_custom_integrations")


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Return a snapshot assertion that understands Home Assistant objects."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
def entity_registry_enabled_by_default() -> Iterator[None]:
    """Create every entity enabled, the disabled-by-default ones included."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        return_value=True,
        new_callable=PropertyMock,
    ):
        yield


@pytest.fixture
def frozen_clock() -> Iterator[FrozenDateTimeFactory]:
    """Freeze Home Assistant's clock at a fixed time, for timestamps in snapshots.

    Only the wall clock stops: the event loop, aiohttp and the simulator keep real time,
    or nothing would ever wake up while the simulator talks over loopback.
    """
    with freeze_time(
        "2026-01-02T03:04:05+00:00", ignore=["asyncio", "aiohttp", "plex_simulator"]
    ) as frozen:
        yield frozen


# Loggers of the test doubles and of the harness, not of Home Assistant: the simulator
# is the Plex server (it may see the token), and the harness logs what it stores.
NOT_HOME_ASSISTANT: Final = ("plex_simulator", "pytest_homeassistant_custom_component")


def logged(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Return what the test logged in every phase so far (setup, call, teardown).

    `caplog.records` alone holds only the current phase's, which in a fixture's
    teardown is the teardown.
    """
    return [*caplog.get_records("setup"), *caplog.get_records("call"), *caplog.records]


def record_text(record: logging.LogRecord) -> str:
    """Return a record's message with its traceback, as a log file would show it."""
    text = record.getMessage()
    if record.exc_info is not None:
        text += "\n" + logging.Formatter().formatException(record.exc_info)
    elif record.exc_text is not None:
        text += "\n" + record.exc_text
    return text


@pytest.fixture(autouse=True)
def no_deprecated_calls(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail any test in which Home Assistant reports the integration using a deprecated API.

    Home Assistant logs such calls as a warning in every user's log ("Detected that
    custom integration ... will stop working in ...").
    """
    yield
    prefix = f"Detected that custom integration '{DOMAIN}'"
    reported = [
        message
        for record in logged(caplog)
        if (message := record.getMessage()).startswith(prefix)
    ]
    assert not reported, reported


@pytest.fixture(autouse=True)
def token_never_logged(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail any test whose logs, at any level and in any phase, contain a Plex token."""
    caplog.set_level(logging.DEBUG)
    yield
    records = [
        record
        for record in logged(caplog)
        if not record.name.startswith(NOT_HOME_ASSISTANT)
    ]
    for secret in (TOKEN, ACCOUNT_TOKEN, SHARED_TOKEN):
        leaked = [record.name for record in records if secret in record_text(record)]
        assert not leaked, f"a Plex token appeared in log records of {leaked}"


@pytest.fixture
async def simulator(socket_enabled: None) -> AsyncIterator[PlexSimulator]:
    """Run a Plex simulator on a free loopback port."""
    sim = PlexSimulator(
        token=TOKEN,
        friendly_name=FRIENDLY_NAME,
        machine_identifier=MACHINE_IDENTIFIER,
    )
    await sim.start()
    yield sim
    await sim.stop()


@pytest.fixture
def mock_config_entry(simulator: PlexSimulator) -> MockConfigEntry:
    """Return a config entry pointing at the simulator."""
    return config_entry_for(simulator)


@pytest.fixture
def platforms() -> list[Platform]:
    """Return the platforms `init_integration` sets up (parametrize it to load one)."""
    return list(PLATFORMS)


@pytest.fixture
async def init_integration(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: PlexSimulator,
    platforms: list[Platform],
) -> AsyncIterator[MockConfigEntry]:
    """Set up the integration against the simulator, with its websocket connected."""
    with patch("custom_components.plex_activities.PLATFORMS", platforms):
        await setup_integration(hass, mock_config_entry, simulator)
        yield mock_config_entry


@pytest.fixture(autouse=True)
def plex_endpoints_on_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every test on loopback: plex.tv at a closed port (1), GDM searches off.

    Tests that sign in or discover point them at the stand-ins (`use_standins`).
    """
    monkeypatch.setattr(
        endpoints,
        "ACTIVE",
        PlexEndpoints(
            plextv_url="http://127.0.0.1:1",
            auth_app_url="http://127.0.0.1:1/auth",
            gdm_target=None,
        ),
    )


@pytest.fixture
def use_standins(
    monkeypatch: pytest.MonkeyPatch,
    plextv: PlexTvStandIn,
    gdm_responder: GdmResponder,
) -> PlexTvStandIn:
    """Point the integration at plex.tv's stand-in and the GDM responder; poll fast."""
    monkeypatch.setattr(
        endpoints,
        "ACTIVE",
        PlexEndpoints(
            plextv_url=plextv.url,
            auth_app_url=plextv.auth_url,
            gdm_target=gdm_responder.address,
        ),
    )
    monkeypatch.setattr(signin, "PIN_POLL_INTERVAL", 0.01)
    return plextv


@pytest.fixture
async def plextv(socket_enabled: None) -> AsyncIterator[PlexTvStandIn]:
    """Run plex.tv's stand-in on a free loopback port (its account has no servers yet)."""
    standin = PlexTvStandIn(account_token=ACCOUNT_TOKEN)
    await standin.start()
    yield standin
    await standin.stop()


@pytest.fixture
async def gdm_responder(socket_enabled: None) -> AsyncIterator[GdmResponder]:
    """Run a GDM responder on a free loopback UDP port (no servers answer yet)."""
    responder = GdmResponder()
    await responder.start()
    yield responder
    await responder.stop()


@pytest.fixture
def snapshot_entities(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> Callable[[], Awaitable[None]]:
    """Return a check of the entry's entities against the snapshot (`snapshot_platform`).

    With `platforms` parametrized to one platform, as each `test_<platform>.py` does.
    """

    async def check() -> None:
        await snapshot_platform(
            hass, entity_registry, snapshot, init_integration.entry_id
        )

    return check


@pytest.fixture
def mock_setup_entry() -> Iterator[AsyncMock]:
    """Stand in for the integration's setup, so flows test only themselves."""
    with patch(
        "custom_components.plex_activities.async_setup_entry", return_value=True
    ) as mock:
        yield mock


@pytest.fixture
async def start_simulator(socket_enabled: None) -> AsyncIterator[StartSimulator]:
    """Start extra simulators (same server as `simulator` unless told otherwise)."""
    started: list[PlexSimulator] = []

    async def start(**kwargs: Any) -> PlexSimulator:
        sim = PlexSimulator(
            **{
                "token": TOKEN,
                "friendly_name": FRIENDLY_NAME,
                "machine_identifier": MACHINE_IDENTIFIER,
                **kwargs,
            }
        )
        await sim.start()
        started.append(sim)
        return sim

    yield start
    for sim in started:
        await sim.stop()
