"""Sign in with Plex: the PIN, the server choice and the connection, over loopback."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_TOKEN, CONF_URL, CONF_VERIFY_SSL
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.plex_activities.const import (
    CONF_ACCOUNT_TOKEN,
    CONF_CLIENT_IDENTIFIER,
    DOMAIN,
)
from plex_simulator.plextv import StandInServer, connection

from .const import (
    ACCOUNT_TOKEN,
    CLIENT_IDENTIFIER,
    FRIENDLY_NAME,
    MACHINE_IDENTIFIER,
    SHARED_TOKEN,
    TOKEN,
)
from .helpers import assert_aborted, wait_for
from .test_config_flow import choose

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from unittest.mock import AsyncMock

    from homeassistant.config_entries import ConfigFlowResult
    from homeassistant.core import HomeAssistant

    from plex_simulator import PlexSimulator
    from plex_simulator.plextv import PlexTvStandIn

    type StartSimulator = Callable[..., Awaitable[PlexSimulator]]

OTHER_MACHINE_IDENTIFIER = "other0machine0identifier00000002"


def closed(port: int) -> str:
    """Return a loopback address where nothing listens ("remote", "relay")."""
    return f"http://127.0.0.1:{port}"


def owned_server(
    sim: PlexSimulator, *more: dict[str, Any], name: str = FRIENDLY_NAME
) -> StandInServer:
    """Return the simulator as an owned server of the account, reachable locally."""
    return StandInServer(
        name=name,
        machine_identifier=sim.identity.machine_identifier,
        access_token="owned-server-access-token",
        connections=[connection(sim.url, local=True), *more],
    )


async def open_signin(hass: HomeAssistant) -> ConfigFlowResult:
    """Open the flow and choose to sign in; return the external step."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    return await choose(hass, result, "signin")


async def finish_signin(
    hass: HomeAssistant, plextv: PlexTvStandIn, result: ConfigFlowResult
) -> ConfigFlowResult:
    """Sign in on the stand-in's page and let the flow go on."""
    assert result["type"] is FlowResultType.EXTERNAL_STEP
    assert plextv.claim()
    await hass.async_block_till_done(wait_background_tasks=True)
    return await hass.config_entries.flow.async_configure(result["flow_id"])


async def test_signin_one_owned_server(
    hass: HomeAssistant,
    use_standins: PlexTvStandIn,
    start_simulator: StartSimulator,
    mock_setup_entry: AsyncMock,
    unused_tcp_port_factory: Callable[[], int],
) -> None:
    """The whole way: PIN, sign-in page, one server, its best connection, the entry."""
    plextv = use_standins
    sim = await start_simulator(token=ACCOUNT_TOKEN)
    plextv.servers = [
        owned_server(
            sim,
            connection(closed(unused_tcp_port_factory()), local=False),
            connection(closed(unused_tcp_port_factory()), local=False, relay=True),
        )
    ]
    result = await open_signin(hass)
    assert result["type"] is FlowResultType.EXTERNAL_STEP
    assert result["step_id"] == "signin"
    url = urlsplit(result["url"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == plextv.auth_url
    fragment = parse_qs(url.fragment.removeprefix("?"))
    (pin_request,) = [r for r in plextv.requests if r[1] == "/api/v2/pins"]
    client_identifier = pin_request[2]["X-Plex-Client-Identifier"]
    assert fragment["clientID"] == [client_identifier]
    assert len(fragment["code"][0]) == 25

    # Until the user signs in, the flow stays on the sign-in page.
    again = await hass.config_entries.flow.async_configure(result["flow_id"])
    assert again["type"] is FlowResultType.EXTERNAL_STEP
    assert again["url"] == result["url"]

    result = await finish_signin(hass, plextv, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == FRIENDLY_NAME
    assert result["result"].unique_id == MACHINE_IDENTIFIER
    assert result["data"] == {
        CONF_URL: sim.url,
        CONF_TOKEN: ACCOUNT_TOKEN,
        CONF_VERIFY_SSL: True,
        CONF_CLIENT_IDENTIFIER: client_identifier,
        CONF_ACCOUNT_TOKEN: ACCOUNT_TOKEN,
    }
    for _, _, headers in plextv.requests:
        assert headers["X-Plex-Client-Identifier"] == client_identifier
    assert ACCOUNT_TOKEN not in str(result["description_placeholders"])
    assert len(mock_setup_entry.mock_calls) == 1


async def test_signin_timed_out(
    hass: HomeAssistant, use_standins: PlexTvStandIn
) -> None:
    """A PIN that expires before the user signs in ends with "sign-in timed out"."""
    result = await open_signin(hass)
    use_standins.expire_pins()
    await hass.async_block_till_done(wait_background_tasks=True)
    result = await hass.config_entries.flow.async_configure(result["flow_id"])
    assert_aborted(result, "signin_timed_out")


async def test_signin_pin_lifetime_over(
    hass: HomeAssistant, use_standins: PlexTvStandIn
) -> None:
    """The flow stops polling when the PIN's lifetime is over, whatever plex.tv says."""
    use_standins.pin_lifetime = 0
    result = await open_signin(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    result = await hass.config_entries.flow.async_configure(result["flow_id"])
    assert result["reason"] == "signin_timed_out"
    assert [r[1] for r in use_standins.requests] == ["/api/v2/pins"]


def _gaps_after_429s(plextv: PlexTvStandIn, count: int) -> list[float]:
    """Return the pauses after the first `count` polls (the ones answered 429)."""
    times = plextv.request_times[1:]  # the PIN checks, after its creation
    return [times[i + 1] - times[i] for i in range(count)]


async def test_signin_survives_a_plextv_hiccup(
    hass: HomeAssistant,
    use_standins: PlexTvStandIn,
    start_simulator: StartSimulator,
    mock_setup_entry: AsyncMock,
) -> None:
    """A 429 with Retry-After pauses the polling that long, a failed poll is retried.

    The sign-in still completes.
    """
    plextv = use_standins
    plextv.servers = [owned_server(await start_simulator(token=ACCOUNT_TOKEN))]
    result = await open_signin(hass)
    plextv.rate_limited, plextv.retry_after = 1, "1"  # the first poll
    await wait_for(hass, lambda: len(plextv.requests) >= 3)
    (gap,) = _gaps_after_429s(plextv, 1)
    assert gap >= 0.95  # polls are 0.01 s apart otherwise
    plextv.failure_status = 503
    await wait_for(hass, lambda: len(plextv.requests) >= 5)
    plextv.failure_status = None
    result = await finish_signin(hass, plextv, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_signin_slows_down_without_retry_after(
    hass: HomeAssistant, use_standins: PlexTvStandIn
) -> None:
    """A 429 without Retry-After doubles the pause each time, until a poll answers."""
    plextv = use_standins
    await open_signin(hass)
    plextv.rate_limited = 3  # the first three polls
    await wait_for(hass, lambda: len(plextv.requests) >= 6)
    gaps = _gaps_after_429s(plextv, 4)
    # 0.02, 0.04 and 0.08 s after the three 429s (less 5 ms: a sleep may end a tick
    # early), then back to the poll interval (0.01 s).
    for gap, wanted in zip(gaps, (0.02, 0.04, 0.08), strict=False):
        assert gap >= wanted - 0.005
    assert gaps[3] < gaps[2]
    (flow,) = hass.config_entries.flow.async_progress()
    hass.config_entries.flow.async_abort(flow["flow_id"])


async def test_plextv_down(hass: HomeAssistant, use_standins: PlexTvStandIn) -> None:
    """plex.tv down: a clear abort, and the manual way still works."""
    use_standins.failure_status = 503
    result = await open_signin(hass)
    assert_aborted(result, "plextv_unavailable")
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await choose(hass, result, "manual")
    assert result["type"] is FlowResultType.FORM


async def test_plextv_busy_before_signin(
    hass: HomeAssistant, use_standins: PlexTvStandIn
) -> None:
    """A 429 creating the PIN is its own clear abort; nothing was entered yet."""
    use_standins.rate_limited = 1
    result = await open_signin(hass)
    assert_aborted(result, "plextv_rate_limited")
    assert [r[1] for r in use_standins.requests] == ["/api/v2/pins"]


async def test_plextv_busy_after_signin(
    hass: HomeAssistant,
    use_standins: PlexTvStandIn,
    start_simulator: StartSimulator,
    mock_setup_entry: AsyncMock,
) -> None:
    """A 429 listing the servers keeps the sign-in: the form says so, submit retries."""
    plextv = use_standins
    plextv.servers = [owned_server(await start_simulator(token=ACCOUNT_TOKEN))]
    result = await open_signin(hass)
    assert plextv.claim()
    await hass.async_block_till_done(wait_background_tasks=True)
    plextv.rate_limited = 1  # the servers' listing
    result = await hass.config_entries.flow.async_configure(result["flow_id"])
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "signin_servers"
    assert result["errors"] == {"base": "plextv_rate_limited"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_ACCOUNT_TOKEN] == ACCOUNT_TOKEN
    listings = [r for r in plextv.requests if r[1] == "/api/v2/resources"]
    assert len(listings) == 2


async def test_plextv_down_after_signin(
    hass: HomeAssistant, use_standins: PlexTvStandIn
) -> None:
    """plex.tv failing to list the servers is the same clear abort."""
    result = await open_signin(hass)
    assert use_standins.claim()
    await hass.async_block_till_done(wait_background_tasks=True)
    use_standins.failure_status = 500
    result = await hass.config_entries.flow.async_configure(result["flow_id"])
    assert result["reason"] == "plextv_unavailable"


async def test_flow_closed_while_waiting(
    hass: HomeAssistant, use_standins: PlexTvStandIn
) -> None:
    """Closing the dialog stops the polling."""
    result = await open_signin(hass)
    hass.config_entries.flow.async_abort(result["flow_id"])
    await hass.async_block_till_done(wait_background_tasks=True)
    polls = len(use_standins.requests)
    await asyncio.sleep(0.05)
    assert len(use_standins.requests) == polls
    assert not hass.config_entries.flow.async_progress()


async def test_no_servers(hass: HomeAssistant, use_standins: PlexTvStandIn) -> None:
    """An account without servers (players do not count) ends the flow clearly."""
    result = await finish_signin(hass, use_standins, await open_signin(hass))
    assert_aborted(result, "no_servers")


async def test_several_servers_shared_one_chosen(
    hass: HomeAssistant,
    use_standins: PlexTvStandIn,
    start_simulator: StartSimulator,
    mock_setup_entry: AsyncMock,
    mock_config_entry: MockConfigEntry,
) -> None:
    """Several servers: a selector (configured ones left out); a shared one uses its token."""
    plextv = use_standins
    mock_config_entry.add_to_hass(hass)
    owned = await start_simulator(
        token=ACCOUNT_TOKEN, machine_identifier="owned0machine0identifier0000003"
    )
    shared = await start_simulator(
        token=SHARED_TOKEN, machine_identifier=OTHER_MACHINE_IDENTIFIER
    )
    configured = await start_simulator(token=ACCOUNT_TOKEN)
    plextv.servers = [
        owned_server(owned, name="Home"),
        StandInServer(
            name="Friend's",
            machine_identifier=OTHER_MACHINE_IDENTIFIER,
            access_token=SHARED_TOKEN,
            owned=False,
            owner="alice",
            connections=[connection(shared.url, local=False)],
        ),
        owned_server(configured),
    ]
    result = await finish_signin(hass, plextv, await open_signin(hass))
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "select_server"
    options = result["data_schema"].schema["server"].config["options"]
    assert options == [
        {"value": "owned0machine0identifier0000003", "label": "Home"},
        {"value": OTHER_MACHINE_IDENTIFIER, "label": "Friend's (alice)"},
    ]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"server": OTHER_MACHINE_IDENTIFIER}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_URL] == shared.url
    assert result["data"][CONF_TOKEN] == SHARED_TOKEN
    assert result["data"][CONF_ACCOUNT_TOKEN] == ACCOUNT_TOKEN


@pytest.mark.parametrize(
    ("count", "reason"), [(1, "already_configured"), (2, "all_configured")]
)
async def test_everything_configured(
    hass: HomeAssistant,
    use_standins: PlexTvStandIn,
    simulator: PlexSimulator,
    mock_config_entry: MockConfigEntry,
    *,
    count: int,
    reason: str,
) -> None:
    """A server set up by hand is the same server: signing in does not add it twice."""
    mock_config_entry.add_to_hass(hass)
    second = MockConfigEntry(domain=DOMAIN, unique_id="second", data={})
    second.add_to_hass(hass)
    use_standins.servers = [owned_server(simulator)]
    if count == 2:
        use_standins.servers.append(
            StandInServer(
                name="Second",
                machine_identifier="second",
                access_token="",
                connections=[],
            )
        )
    result = await finish_signin(hass, use_standins, await open_signin(hass))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == reason


# ------------------------------------------------------------------ connections


async def test_probe_prefers_local_and_skips_wrong_answers(
    hass: HomeAssistant,
    use_standins: PlexTvStandIn,
    start_simulator: StartSimulator,
    mock_setup_entry: AsyncMock,
    unused_tcp_port_factory: Callable[[], int],
) -> None:
    """Local beats remote; a local address answering as another server is passed over."""
    remote = await start_simulator(token=ACCOUNT_TOKEN)
    local = await start_simulator(token=ACCOUNT_TOKEN)
    impostor = await start_simulator(
        token=ACCOUNT_TOKEN, machine_identifier=OTHER_MACHINE_IDENTIFIER
    )
    use_standins.servers = [
        StandInServer(
            name=FRIENDLY_NAME,
            machine_identifier=MACHINE_IDENTIFIER,
            access_token="",
            connections=[
                connection(closed(unused_tcp_port_factory()), local=False, relay=True),
                connection(remote.url, local=False),
                connection(impostor.url, local=True),
                connection(local.url, local=True),
            ],
        )
    ]
    result = await finish_signin(hass, use_standins, await open_signin(hass))
    assert result["data"][CONF_URL] == local.url


async def test_relay_only(
    hass: HomeAssistant,
    use_standins: PlexTvStandIn,
    start_simulator: StartSimulator,
    mock_setup_entry: AsyncMock,
    unused_tcp_port_factory: Callable[[], int],
    *,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A relay is taken only when nothing else answers, and the log says so once."""
    relay = await start_simulator(token=ACCOUNT_TOKEN)
    use_standins.servers = [
        StandInServer(
            name=FRIENDLY_NAME,
            machine_identifier=MACHINE_IDENTIFIER,
            access_token="",
            connections=[
                connection(closed(unused_tcp_port_factory()), local=True),
                connection(closed(unused_tcp_port_factory()), local=False),
                connection(relay.url, local=False, relay=True),
            ],
        )
    ]
    result = await finish_signin(hass, use_standins, await open_signin(hass))
    assert result["data"][CONF_URL] == relay.url
    warnings = [r for r in caplog.records if "Plex Relay" in r.getMessage()]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING


async def test_server_unreachable(
    hass: HomeAssistant,
    use_standins: PlexTvStandIn,
    unused_tcp_port_factory: Callable[[], int],
) -> None:
    """No connection answers: a clear abort naming the server."""
    use_standins.servers = [
        StandInServer(
            name="Attic",
            machine_identifier=MACHINE_IDENTIFIER,
            access_token="",
            connections=[connection(closed(unused_tcp_port_factory()), local=True)],
        )
    ]
    result = await finish_signin(hass, use_standins, await open_signin(hass))
    assert_aborted(result, "server_unreachable")
    assert result["description_placeholders"] == {"name": "Attic"}


# ------------------------------------------------------- reauth and reconfigure


@pytest.mark.parametrize(
    ("source", "manual_option"),
    [("reauth", "reauth_confirm"), ("reconfigure", "reconfigure_manual")],
)
async def test_reauth_and_reconfigure_by_signin(
    hass: HomeAssistant,
    use_standins: PlexTvStandIn,
    start_simulator: StartSimulator,
    mock_config_entry: MockConfigEntry,
    mock_setup_entry: AsyncMock,
    *,
    source: str,
    manual_option: str,
) -> None:
    """Both offer sign-in; it saves the account token and the address that answers."""
    mock_config_entry.add_to_hass(hass)
    moved = await start_simulator(token=ACCOUNT_TOKEN)
    use_standins.servers = [owned_server(moved)]
    if source == "reauth":
        result = await mock_config_entry.start_reauth_flow(hass)
    else:
        result = await mock_config_entry.start_reconfigure_flow(hass)
    assert result["menu_options"] == ["signin", manual_option]
    assert result["description_placeholders"] == {"name": FRIENDLY_NAME}
    # Everything the flow's title (`flow_title`) names, for the flows list.
    flow = hass.config_entries.flow.async_get(result["flow_id"])
    assert flow["context"]["title_placeholders"] == {
        "name": FRIENDLY_NAME,
        "address": mock_config_entry.data[CONF_URL],
    }
    result = await finish_signin(
        hass, use_standins, await choose(hass, result, "signin")
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == f"{source}_successful"
    assert mock_config_entry.data == {
        CONF_URL: moved.url,
        CONF_TOKEN: ACCOUNT_TOKEN,
        CONF_VERIFY_SSL: True,
        CONF_CLIENT_IDENTIFIER: CLIENT_IDENTIFIER,
        CONF_ACCOUNT_TOKEN: ACCOUNT_TOKEN,
    }
    assert all(
        headers["X-Plex-Client-Identifier"] == CLIENT_IDENTIFIER
        for _, _, headers in use_standins.requests
    )
    assert len(mock_setup_entry.mock_calls) == 1


async def test_reauth_server_not_in_account(
    hass: HomeAssistant,
    use_standins: PlexTvStandIn,
    start_simulator: StartSimulator,
    mock_config_entry: MockConfigEntry,
) -> None:
    """Signing in with an account that cannot use the entry's server changes nothing."""
    mock_config_entry.add_to_hass(hass)
    old_data = dict(mock_config_entry.data)
    other = await start_simulator(
        token=ACCOUNT_TOKEN, machine_identifier=OTHER_MACHINE_IDENTIFIER
    )
    use_standins.servers = [owned_server(other)]
    result = await mock_config_entry.start_reauth_flow(hass)
    result = await finish_signin(
        hass, use_standins, await choose(hass, result, "signin")
    )
    assert result["reason"] == "server_not_in_account"
    assert mock_config_entry.data == old_data
    assert old_data[CONF_TOKEN] == TOKEN
