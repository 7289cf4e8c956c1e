"""Discovery: GDM (to the loopback responder) and zeroconf, one flow per server."""

from __future__ import annotations

from datetime import timedelta
from ipaddress import ip_address
from typing import TYPE_CHECKING

from homeassistant.config_entries import SOURCE_IGNORE, SOURCE_USER, SOURCE_ZEROCONF
from homeassistant.const import CONF_TOKEN, CONF_URL
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.plex_activities import discovery
from custom_components.plex_activities.const import CONF_ACCOUNT_TOKEN, DOMAIN
from plex_simulator.gdm import GdmEntry

from .const import ACCOUNT_TOKEN, FRIENDLY_NAME, MACHINE_IDENTIFIER, TOKEN
from .helpers import assert_aborted, wait_for
from .test_config_flow import choose
from .test_signin import finish_signin, owned_server

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from unittest.mock import AsyncMock

    from homeassistant.core import HomeAssistant

    from plex_simulator import PlexSimulator
    from plex_simulator.gdm import GdmResponder
    from plex_simulator.plextv import PlexTvStandIn

    type StartSimulator = Callable[..., Awaitable[PlexSimulator]]


def announce(responder: GdmResponder, sim: PlexSimulator) -> None:
    """Let the simulator answer GDM searches."""
    responder.servers = [
        GdmEntry(
            machine_identifier=sim.identity.machine_identifier,
            name=FRIENDLY_NAME,
            port=sim.port,
        )
    ]


def zeroconf_info(port: int) -> ZeroconfServiceInfo:
    """Return a `_plexmediasvr._tcp` record of a server on loopback."""
    return ZeroconfServiceInfo(
        ip_address=ip_address("127.0.0.1"),
        ip_addresses=[ip_address("127.0.0.1")],
        hostname="plex.local.",
        name="Attic._plexmediasvr._tcp.local.",
        port=port,
        type="_plexmediasvr._tcp.local.",
        properties={},
    )


def discovery_flows(hass: HomeAssistant) -> list[dict[str, object]]:
    """Return the discovery flows in progress."""
    return [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] != SOURCE_USER
    ]


async def test_gdm_when_the_flow_opens(
    hass: HomeAssistant,
    use_standins: PlexTvStandIn,
    gdm_responder: GdmResponder,
    simulator: PlexSimulator,
    mock_setup_entry: AsyncMock,
) -> None:
    """Opening the flow searches; the server found gets a flow; a token finishes it."""
    announce(gdm_responder, simulator)
    await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    await wait_for(hass, lambda: bool(discovery_flows(hass)))
    (flow,) = discovery_flows(hass)
    assert flow["context"]["title_placeholders"] == {
        "name": FRIENDLY_NAME,
        "address": simulator.url,
    }
    assert flow["context"]["unique_id"] == MACHINE_IDENTIFIER
    # A second opening within the minute does not search again.
    await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    await hass.async_block_till_done(wait_background_tasks=True)
    assert gdm_responder.searches == 1

    result = await hass.config_entries.flow.async_configure(flow["flow_id"])
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["signin", "discovery_token"]
    result = await choose(hass, result, "discovery_token")
    assert result["description_placeholders"] == {
        "name": FRIENDLY_NAME,
        "address": simulator.url,
    }
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_TOKEN: "wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_TOKEN: TOKEN}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_URL] == simulator.url


async def test_zeroconf_and_gdm_are_one_flow(
    hass: HomeAssistant,
    use_standins: PlexTvStandIn,
    gdm_responder: GdmResponder,
    simulator: PlexSimulator,
) -> None:
    """Zeroconf asks the server who it is; the same server seen by GDM is the same flow."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_ZEROCONF},
        data=zeroconf_info(simulator.port),
    )
    assert result["type"] is FlowResultType.MENU
    assert result["description_placeholders"] == {
        "name": "Attic",
        "address": simulator.url,
    }
    announce(gdm_responder, simulator)
    await discovery.async_scan(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(discovery_flows(hass)) == 1
    assert gdm_responder.searches == 1


async def test_zeroconf_not_plex(
    socket_enabled: None, hass: HomeAssistant, unused_tcp_port: int
) -> None:
    """A record whose address does not answer as Plex ends the flow."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_ZEROCONF},
        data=zeroconf_info(unused_tcp_port),
    )
    assert_aborted(result, "cannot_connect")


async def test_discovered_then_signed_in(
    hass: HomeAssistant,
    use_standins: PlexTvStandIn,
    gdm_responder: GdmResponder,
    start_simulator: StartSimulator,
    mock_setup_entry: AsyncMock,
) -> None:
    """Signing in from a discovery uses that server, at the discovered address."""
    sim = await start_simulator(token=ACCOUNT_TOKEN)
    other = await start_simulator(
        token=ACCOUNT_TOKEN, machine_identifier="other0machine0identifier00000002"
    )
    use_standins.servers = [owned_server(other), owned_server(sim)]
    use_standins.servers[1].connections = []  # plex.tv knows no address that works
    announce(gdm_responder, sim)
    await discovery.async_scan(hass)
    await wait_for(hass, lambda: bool(discovery_flows(hass)))
    (flow,) = discovery_flows(hass)
    result = await hass.config_entries.flow.async_configure(flow["flow_id"])
    result = await finish_signin(
        hass, use_standins, await choose(hass, result, "signin")
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == MACHINE_IDENTIFIER
    assert result["data"][CONF_URL] == sim.url
    assert result["data"][CONF_ACCOUNT_TOKEN] == ACCOUNT_TOKEN


@pytest.mark.parametrize(
    ("data", "follows"),
    [
        ({CONF_URL: "http://127.0.0.1:1"}, True),
        ({CONF_URL: "https://127-0-0-1.x.plex.direct:32400"}, False),
        ({CONF_URL: "http://plex.local:32400"}, False),
        (
            {CONF_URL: "http://127.0.0.2:32400", CONF_ACCOUNT_TOKEN: ACCOUNT_TOKEN},
            False,
        ),
    ],
    ids=["manual_ip", "https", "host_name", "signed_in"],
)
async def test_rediscovery_of_a_configured_server(
    hass: HomeAssistant,
    use_standins: PlexTvStandIn,
    gdm_responder: GdmResponder,
    simulator: PlexSimulator,
    mock_config_entry: MockConfigEntry,
    *,
    mock_setup_entry: AsyncMock,
    data: dict[str, str],
    follows: bool,
) -> None:
    """No new flow; only a manual entry at a plain IP address takes the new address."""
    mock_config_entry.add_to_hass(hass)
    old = {**mock_config_entry.data, **data}
    hass.config_entries.async_update_entry(mock_config_entry, data=old)
    announce(gdm_responder, simulator)
    await discovery.async_scan(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert mock_config_entry.data == (
        {**old, CONF_URL: simulator.url} if follows else old
    )
    assert not discovery_flows(hass)


async def test_working_address_is_kept(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    start_simulator: StartSimulator,
    simulator: PlexSimulator,
) -> None:
    """A working manual entry keeps its address when its identifier shows up elsewhere.

    The other address (an impostor announcing the server's identifier) gets no token.
    """
    impostor = await start_simulator()
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_ZEROCONF},
        data=zeroconf_info(impostor.port),
    )
    assert_aborted(result, "already_configured")
    await hass.async_block_till_done()
    assert init_integration.data[CONF_URL] == simulator.url
    assert [r.path for r in impostor.requests] == ["/identity"]
    assert all("X-Plex-Token" not in r.headers for r in impostor.requests)


async def test_ignored_server(
    hass: HomeAssistant, gdm_responder: GdmResponder, simulator: PlexSimulator
) -> None:
    """A server the user ignored stays ignored, whether GDM or zeroconf finds it."""
    MockConfigEntry(
        domain=DOMAIN, source=SOURCE_IGNORE, unique_id=MACHINE_IDENTIFIER, data={}
    ).add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_ZEROCONF},
        data=zeroconf_info(simulator.port),
    )
    assert_aborted(result, "already_configured")
    announce(gdm_responder, simulator)
    await discovery.async_scan(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert not discovery_flows(hass)


async def test_background_scans(
    hass: HomeAssistant,
    use_standins: PlexTvStandIn,
    gdm_responder: GdmResponder,
    init_integration: MockConfigEntry,
) -> None:
    """Setting up searches once, and again every 15 minutes."""
    await wait_for(hass, lambda: gdm_responder.searches == 1)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=16))
    await wait_for(hass, lambda: gdm_responder.searches == 2)


async def test_gdm_off(hass: HomeAssistant, gdm_responder: GdmResponder) -> None:
    """Without a GDM target (the tests' default) nothing is searched."""
    discovery.async_scan_soon(hass)
    await discovery.async_scan(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert gdm_responder.searches == 0
