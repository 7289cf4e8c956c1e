"""A signed-in entry follows its server to a new address through plex.tv."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_URL

from custom_components.plex_activities.const import CONF_ACCOUNT_TOKEN

from .const import ACCOUNT_TOKEN, TOKEN
from .helpers import running_tasks, wait_for
from .test_signin import owned_server

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from homeassistant.core import HomeAssistant
    import pytest
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from plex_simulator import PlexSimulator
    from plex_simulator.plextv import PlexTvStandIn

    type StartSimulator = Callable[..., Awaitable[PlexSimulator]]


def add_signed_in(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add the entry as one set up by signing in (with the stand-in's account)."""
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_ACCOUNT_TOKEN: ACCOUNT_TOKEN}
    )


async def move_server(
    plextv: PlexTvStandIn, start_simulator: StartSimulator, simulator: PlexSimulator
) -> PlexSimulator:
    """Move the server to a new address plex.tv lists; the old one stops answering."""
    moved = await start_simulator()
    plextv.servers = [owned_server(moved)]
    await simulator.stop()
    return moved


async def test_switch_at_setup(
    hass: HomeAssistant,
    use_standins: PlexTvStandIn,
    start_simulator: StartSimulator,
    mock_config_entry: MockConfigEntry,
    simulator: PlexSimulator,
    *,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The stored address is dead at start-up: plex.tv's new one is used, logged once."""
    moved = await move_server(use_standins, start_simulator, simulator)
    add_signed_in(hass, mock_config_entry)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await wait_for(
        hass, lambda: mock_config_entry.state is ConfigEntryState.LOADED, timeout=20
    )
    assert mock_config_entry.data[CONF_URL] == moved.url
    assert caplog.text.count("switching to it") == 1
    resources = [r for r in use_standins.requests if r[1] == "/api/v2/resources"]
    assert [r[2]["X-Plex-Token"] for r in resources] == [ACCOUNT_TOKEN]
    assert TOKEN not in caplog.text


async def test_switch_while_running(
    hass: HomeAssistant,
    use_standins: PlexTvStandIn,
    start_simulator: StartSimulator,
    mock_config_entry: MockConfigEntry,
    simulator: PlexSimulator,
) -> None:
    """The server goes away from its address while loaded: the entry follows it."""
    add_signed_in(hass, mock_config_entry)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    moved = await move_server(use_standins, start_simulator, simulator)
    await mock_config_entry.runtime_data.async_refresh()
    await wait_for(hass, lambda: mock_config_entry.data[CONF_URL] == moved.url)
    await wait_for(hass, lambda: mock_config_entry.state is ConfigEntryState.LOADED)
    await moved.wait_for_websockets(1)


async def test_no_switch_without_a_better_address(
    hass: HomeAssistant,
    use_standins: PlexTvStandIn,
    mock_config_entry: MockConfigEntry,
    simulator: PlexSimulator,
) -> None:
    """plex.tv lists only the dead address: nothing changes, setup keeps retrying."""
    use_standins.servers = [owned_server(simulator)]
    await simulator.stop()
    add_signed_in(hass, mock_config_entry)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    assert mock_config_entry.data[CONF_URL] == simulator.url
    assert [r[1] for r in use_standins.requests] == ["/api/v2/resources"]


async def test_manual_entries_do_not_ask_plextv(
    hass: HomeAssistant,
    use_standins: PlexTvStandIn,
    mock_config_entry: MockConfigEntry,
    simulator: PlexSimulator,
) -> None:
    """An entry set up by hand keeps today's behaviour: no plex.tv request."""
    await simulator.stop()
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    assert not use_standins.requests


async def test_address_changed_during_the_look_up_is_kept(
    hass: HomeAssistant,
    use_standins: PlexTvStandIn,
    start_simulator: StartSimulator,
    mock_config_entry: MockConfigEntry,
    simulator: PlexSimulator,
    *,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The user reconfigures while plex.tv is asked: their address is not overwritten."""
    use_standins.latency = 0.3
    await move_server(use_standins, start_simulator, simulator)
    add_signed_in(hass, mock_config_entry)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await wait_for(hass, lambda: bool(use_standins.requests))  # plex.tv is asked
    chosen = "http://127.0.0.1:9"
    hass.config_entries.async_update_entry(
        mock_config_entry, data={**mock_config_entry.data, CONF_URL: chosen}
    )
    await wait_for(hass, lambda: not running_tasks("address look-up"), timeout=5)
    assert mock_config_entry.data[CONF_URL] == chosen
    assert "switching to it" not in caplog.text
