"""Tests of the config flow, against the real Plex simulator."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any
from unittest.mock import patch

from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_TOKEN, CONF_URL, CONF_VERIFY_SSL
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.plex_activities.config_flow import (
    InvalidUrlError,
    normalize_url,
)
from custom_components.plex_activities.const import CONF_CLIENT_IDENTIFIER, DOMAIN

from .const import CLIENT_IDENTIFIER, FRIENDLY_NAME, MACHINE_IDENTIFIER, TOKEN
from .helpers import assert_aborted, config_entry_for
from .tls import self_signed_server_context, tolerate_failed_handshakes

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from pathlib import Path
    from unittest.mock import AsyncMock

    from homeassistant.config_entries import ConfigFlowResult
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from plex_simulator import PlexSimulator

    type StartSimulator = Callable[..., Awaitable[PlexSimulator]]

NEW_TOKEN = "n3w-t0ken-after-revocation"
OTHER_MACHINE_IDENTIFIER = "other0machine0identifier00000002"
CANNOT_CONNECT = {"base": "cannot_connect"}


def suggested_values(result: ConfigFlowResult) -> dict[str, Any]:
    """Return the suggested values of a form, by field name."""
    schema = result["data_schema"]
    assert schema is not None
    return {
        str(key): key.description["suggested_value"]
        for key in schema.schema
        if key.description and "suggested_value" in key.description
    }


async def choose(
    hass: HomeAssistant, result: ConfigFlowResult, option: str
) -> ConfigFlowResult:
    """Pick `option` of the menu `result`."""
    assert result["type"] is FlowResultType.MENU
    assert option in result["menu_options"]
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": option}
    )


async def start_reauth(hass: HomeAssistant, entry: MockConfigEntry) -> ConfigFlowResult:
    """Start re-authentication of `entry`, on the form asking for a token."""
    return await choose(hass, await entry.start_reauth_flow(hass), "reauth_confirm")


async def start_reconfigure(
    hass: HomeAssistant, entry: MockConfigEntry
) -> ConfigFlowResult:
    """Start reconfiguring `entry`, on the form asking for an address."""
    return await choose(
        hass, await entry.start_reconfigure_flow(hass), "reconfigure_manual"
    )


async def submit(
    hass: HomeAssistant, result: ConfigFlowResult, user_input: dict[str, Any]
) -> ConfigFlowResult:
    """Submit the form `result` and wait for what it starts (an entry's reload)."""
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input
    )
    await hass.async_block_till_done()
    return result


async def start_user_flow(hass: HomeAssistant) -> ConfigFlowResult:
    """Open the flow, choose the manual way and check that it shows an empty form."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["step_id"] == "user"
    assert result["menu_options"] == ["signin", "manual"]
    result = await choose(hass, result, "manual")
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "manual"
    assert result["errors"] == {}
    return result


# ---------------------------------------------------------------- normalize_url


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("h", "http://h:32400"),
        ("  h  ", "http://h:32400"),
        ("h:1234", "http://h:1234"),
        ("192.168.1.10", "http://192.168.1.10:32400"),
        ("192.168.1.10:32401", "http://192.168.1.10:32401"),
        ("[::1]", "http://[::1]:32400"),
        ("[fe80::1]:8080", "http://[fe80::1]:8080"),
        ("plex.local", "http://plex.local:32400"),
        ("http://plex.local", "http://plex.local:32400"),
        ("http://plex.local/", "http://plex.local:32400"),
        ("http://plex.local:80", "http://plex.local:80"),
        ("HTTP://Plex.Local:32400/", "http://plex.local:32400"),
        ("https://a-b.plex.direct:32400/", "https://a-b.plex.direct:32400"),
        ("https://plex.example.com", "https://plex.example.com"),
        ("https://[2001:db8::2]:32400", "https://[2001:db8::2]:32400"),
        ("\thttp://127.0.0.1:32400\n", "http://127.0.0.1:32400"),
    ],
)
def test_normalize_url(value: str, expected: str) -> None:
    """Good addresses become `scheme://host:port`."""
    assert normalize_url(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "ftp://x",
        "ws://h:32400",
        "file:///etc/passwd",
        "http://user:pw@h",
        "http://user@h",
        "http://@h",
        "http://h/path",
        "http://h:32400/web/index.html",
        "h/path",
        "http://h?q=1",
        "http://h#f",
        "http://",
        "http://:32400",
        "http://h:abc",
        "http://h:0",
        "http://h:65536",
        "http://[::1",
        "http://[127.0.0.1]",
        "::1",
        "http://bad host",
        "http://h..example",
    ],
)
def test_normalize_url_rejects(value: str) -> None:
    """Anything but an http(s) address of a server raises a ValueError."""
    with pytest.raises(InvalidUrlError):
        normalize_url(value)
    assert issubclass(InvalidUrlError, ValueError)


# ---------------------------------------------------------------- user step


async def test_user_flow(
    hass: HomeAssistant, simulator: PlexSimulator, mock_setup_entry: AsyncMock
) -> None:
    """A reachable server and a valid token create an entry named after the server."""
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_URL: simulator.url, CONF_TOKEN: TOKEN, CONF_VERIFY_SSL: True},
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == FRIENDLY_NAME
    assert result["result"].unique_id == MACHINE_IDENTIFIER
    client_identifier = result["data"][CONF_CLIENT_IDENTIFIER]
    assert result["data"] == {
        CONF_URL: simulator.url,
        CONF_TOKEN: TOKEN,
        CONF_VERIFY_SSL: True,
        CONF_CLIENT_IDENTIFIER: client_identifier,
    }
    assert len(client_identifier) == 32
    int(client_identifier, 16)
    # The server saw the identifier that is stored, and the token only in a header.
    (request,) = [r for r in simulator.requests if r.path == "/"]
    assert request.headers["X-Plex-Client-Identifier"] == client_identifier
    assert request.headers["X-Plex-Token"] == TOKEN
    assert "X-Plex-Token" not in request.query
    assert len(mock_setup_entry.mock_calls) == 1


@pytest.mark.parametrize(
    "template",
    ["127.0.0.1:{port}", "  http://127.0.0.1:{port}/  ", "HTTP://127.0.0.1:{port}"],
)
async def test_user_flow_normalizes_url(
    hass: HomeAssistant,
    simulator: PlexSimulator,
    mock_setup_entry: AsyncMock,
    template: str,
) -> None:
    """A bare host:port or a sloppy URL is stored in its normal form."""
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_URL: template.format(port=simulator.port),
            CONF_TOKEN: TOKEN,
            CONF_VERIFY_SSL: True,
        },
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_URL] == f"http://127.0.0.1:{simulator.port}"


@pytest.mark.parametrize(
    ("bad_input", "failure", "errors"),
    [
        ({CONF_URL: "ftp://127.0.0.1"}, {}, {CONF_URL: "invalid_url"}),
        ({CONF_URL: "http://127.0.0.1/web"}, {}, {CONF_URL: "invalid_url"}),
        ({CONF_TOKEN: "wrong-token"}, {}, {"base": "invalid_auth"}),
        ({CONF_URL: "http://127.0.0.1:{closed_port}"}, {}, CANNOT_CONNECT),
        ({}, {"rest_failure_status": 503}, CANNOT_CONNECT),
        ({}, {"rest_failure_status": 302}, {"base": "redirected"}),
        ({}, {"rest_failure_status": 404}, CANNOT_CONNECT),
        (
            {},
            {"rest_failure_status": 200, "rest_failure_body": "not json"},
            CANNOT_CONNECT,
        ),
        (
            {},
            {
                "rest_failure_status": 200,
                "rest_failure_body": '{"MediaContainer": {}}',
                "rest_failure_content_type": "application/json",
            },
            CANNOT_CONNECT,
        ),
    ],
    ids=[
        "bad_scheme",
        "path",
        "wrong_token",
        "closed_port",
        "http_503",
        "http_302",
        "http_404",
        "not_json",
        "no_machine_identifier",
    ],
)
async def test_user_flow_error_then_fixed(
    hass: HomeAssistant,
    simulator: PlexSimulator,
    mock_setup_entry: AsyncMock,
    unused_tcp_port: int,
    *,
    bad_input: dict[str, str],
    failure: dict[str, Any],
    errors: dict[str, str],
) -> None:
    """An error shows on the form with the input kept; fixing it creates the entry."""
    good_input = {CONF_URL: simulator.url, CONF_TOKEN: TOKEN, CONF_VERIFY_SSL: False}
    user_input = {
        **good_input,
        **{k: v.format(closed_port=unused_tcp_port) for k, v in bad_input.items()},
    }
    for name, value in failure.items():
        setattr(simulator, name, value)

    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input
    )

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "manual"
    assert result["errors"] == errors
    # What the user typed is offered again, except the token.
    assert suggested_values(result) == {
        CONF_URL: user_input[CONF_URL],
        CONF_VERIFY_SSL: False,
    }

    for name in failure:
        setattr(simulator, name, None)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], good_input
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_URL] == simulator.url
    assert result["data"][CONF_TOKEN] == TOKEN
    assert len(mock_setup_entry.mock_calls) == 1


async def test_user_flow_unexpected_error(
    hass: HomeAssistant,
    simulator: PlexSimulator,
    mock_setup_entry: AsyncMock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A bug while checking the server shows `unknown` and logs the traceback."""
    user_input = {CONF_URL: simulator.url, CONF_TOKEN: TOKEN, CONF_VERIFY_SSL: True}
    result = await start_user_flow(hass)
    # No real server can raise an arbitrary exception, so this one is patched in.
    with patch(
        "custom_components.plex_activities.config_flow.PlexClient.server_info",
        side_effect=RuntimeError("boom"),
    ):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], user_input
        )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "unknown"}
    assert "Unexpected error while checking the Plex server" in caplog.text
    assert "RuntimeError: boom" in caplog.text

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_flow_ssl_error(
    hass: HomeAssistant,
    start_simulator: StartSimulator,
    mock_setup_entry: AsyncMock,
    tmp_path: Path,
) -> None:
    """A self-signed certificate fails verification; without verification it works."""
    tls_simulator = await start_simulator(
        ssl_context=self_signed_server_context(tmp_path)
    )
    url = tls_simulator.url
    assert url == f"https://127.0.0.1:{tls_simulator.port}"
    result = await start_user_flow(hass)
    # The simulator's side of the handshake that the flow aborts is reported to the
    # loop, possibly only while the second attempt runs.
    with tolerate_failed_handshakes(asyncio.get_running_loop()):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {CONF_URL: url, CONF_TOKEN: TOKEN, CONF_VERIFY_SSL: True},
        )

        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == {"base": "ssl_error"}
        assert suggested_values(result) == {CONF_URL: url, CONF_VERIFY_SSL: True}

        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {CONF_URL: url, CONF_TOKEN: TOKEN, CONF_VERIFY_SSL: False},
        )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_URL] == url
    assert result["data"][CONF_VERIFY_SSL] is False


async def test_user_flow_already_configured(
    hass: HomeAssistant, simulator: PlexSimulator, mock_config_entry: MockConfigEntry
) -> None:
    """The same server (by machine identifier) cannot be added twice."""
    mock_config_entry.add_to_hass(hass)
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_URL: f"127.0.0.1:{simulator.port}",
            CONF_TOKEN: TOKEN,
            CONF_VERIFY_SSL: True,
        },
    )

    assert_aborted(result, "already_configured")
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1


# ---------------------------------------------------------------- reauth


@pytest.fixture
async def reauth_form(
    hass: HomeAssistant, simulator: PlexSimulator, mock_config_entry: MockConfigEntry
) -> ConfigFlowResult:
    """Give the server a new token and open the entry's re-authentication form."""
    mock_config_entry.add_to_hass(hass)
    simulator.revoke_token(NEW_TOKEN)
    return await start_reauth(hass, mock_config_entry)


async def test_reauth(
    hass: HomeAssistant,
    simulator: PlexSimulator,
    mock_config_entry: MockConfigEntry,
    mock_setup_entry: AsyncMock,
    reauth_form: ConfigFlowResult,
) -> None:
    """A new token is saved and the entry reloaded."""
    result = reauth_form
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"
    assert result["description_placeholders"] == {"name": FRIENDLY_NAME}
    assert suggested_values(result) == {}

    result = await submit(hass, result, {CONF_TOKEN: NEW_TOKEN})

    assert_aborted(result, "reauth_successful")
    # As the flow would have created it with the new token.
    assert mock_config_entry.data == config_entry_for(simulator, token=NEW_TOKEN).data
    (request,) = [r for r in simulator.requests if r.path == "/"]
    assert request.headers["X-Plex-Client-Identifier"] == CLIENT_IDENTIFIER
    assert len(mock_setup_entry.mock_calls) == 1


async def test_reauth_wrong_token_then_fixed(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    mock_setup_entry: AsyncMock,
    reauth_form: ConfigFlowResult,
) -> None:
    """A token the server rejects shows `invalid_auth`; the right one succeeds."""
    result = await hass.config_entries.flow.async_configure(
        reauth_form["flow_id"], {CONF_TOKEN: "still-wrong"}
    )

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"
    assert result["errors"] == {"base": "invalid_auth"}
    assert result["description_placeholders"] == {"name": FRIENDLY_NAME}
    assert mock_config_entry.data[CONF_TOKEN] == TOKEN

    result = await submit(hass, result, {CONF_TOKEN: NEW_TOKEN})

    assert_aborted(result, "reauth_successful")
    assert mock_config_entry.data[CONF_TOKEN] == NEW_TOKEN
    assert len(mock_setup_entry.mock_calls) == 1


async def test_reauth_other_server(
    hass: HomeAssistant,
    start_simulator: StartSimulator,
    mock_config_entry: MockConfigEntry,
    mock_setup_entry: AsyncMock,
) -> None:
    """A token accepted by a different server than the entry's is not saved."""
    other = await start_simulator(
        machine_identifier=OTHER_MACHINE_IDENTIFIER, token=NEW_TOKEN
    )
    mock_config_entry.add_to_hass(hass)
    # The entry's address now leads to another Plex server.
    hass.config_entries.async_update_entry(
        mock_config_entry, data={**mock_config_entry.data, CONF_URL: other.url}
    )

    result = await start_reauth(hass, mock_config_entry)
    result = await submit(hass, result, {CONF_TOKEN: NEW_TOKEN})

    assert_aborted(result, "unique_id_mismatch")
    assert mock_config_entry.data[CONF_TOKEN] == TOKEN
    assert mock_config_entry.unique_id == MACHINE_IDENTIFIER
    assert not mock_setup_entry.mock_calls


# ---------------------------------------------------------------- reconfigure


async def test_reconfigure(
    hass: HomeAssistant,
    start_simulator: StartSimulator,
    mock_config_entry: MockConfigEntry,
    mock_setup_entry: AsyncMock,
) -> None:
    """A new address of the same server is saved and the entry reloaded."""
    mock_config_entry.add_to_hass(hass)
    old_url = mock_config_entry.data[CONF_URL]
    moved = await start_simulator()

    result = await start_reconfigure(hass, mock_config_entry)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure_manual"
    assert result["errors"] == {}
    assert result["description_placeholders"] == {"name": FRIENDLY_NAME}
    assert suggested_values(result) == {CONF_URL: old_url, CONF_VERIFY_SSL: True}

    result = await submit(
        hass, result, {CONF_URL: f" 127.0.0.1:{moved.port} ", CONF_VERIFY_SSL: False}
    )

    assert_aborted(result, "reconfigure_successful")
    assert mock_config_entry.data == config_entry_for(moved, verify_ssl=False).data
    (request,) = [r for r in moved.requests if r.path == "/"]
    assert request.headers["X-Plex-Token"] == TOKEN
    assert request.headers["X-Plex-Client-Identifier"] == CLIENT_IDENTIFIER
    assert len(mock_setup_entry.mock_calls) == 1


@pytest.mark.parametrize(
    ("bad_url", "errors"),
    [
        ("http://user:pw@127.0.0.1:32400", {CONF_URL: "invalid_url"}),
        ("http://127.0.0.1:{closed_port}", CANNOT_CONNECT),
    ],
    ids=["invalid_url", "closed_port"],
)
async def test_reconfigure_error_then_fixed(
    hass: HomeAssistant,
    start_simulator: StartSimulator,
    mock_config_entry: MockConfigEntry,
    mock_setup_entry: AsyncMock,
    unused_tcp_port: int,
    *,
    bad_url: str,
    errors: dict[str, str],
) -> None:
    """An error shows on the form with the input kept; fixing it saves the address."""
    mock_config_entry.add_to_hass(hass)
    old_url = mock_config_entry.data[CONF_URL]
    moved = await start_simulator()
    bad_url = bad_url.format(closed_port=unused_tcp_port)

    result = await start_reconfigure(hass, mock_config_entry)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: bad_url, CONF_VERIFY_SSL: False}
    )

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure_manual"
    assert result["errors"] == errors
    assert result["description_placeholders"] == {"name": FRIENDLY_NAME}
    assert suggested_values(result) == {CONF_URL: bad_url, CONF_VERIFY_SSL: False}
    assert mock_config_entry.data[CONF_URL] == old_url

    result = await submit(hass, result, {CONF_URL: moved.url, CONF_VERIFY_SSL: True})

    assert_aborted(result, "reconfigure_successful")
    assert mock_config_entry.data[CONF_URL] == moved.url
    assert mock_config_entry.data[CONF_VERIFY_SSL] is True
    assert len(mock_setup_entry.mock_calls) == 1


async def test_reconfigure_other_server(
    hass: HomeAssistant,
    start_simulator: StartSimulator,
    mock_config_entry: MockConfigEntry,
    mock_setup_entry: AsyncMock,
) -> None:
    """An address of a different Plex server is refused and nothing changes."""
    mock_config_entry.add_to_hass(hass)
    old_data = dict(mock_config_entry.data)
    other = await start_simulator(machine_identifier=OTHER_MACHINE_IDENTIFIER)

    result = await start_reconfigure(hass, mock_config_entry)
    result = await submit(hass, result, {CONF_URL: other.url, CONF_VERIFY_SSL: True})

    assert_aborted(result, "unique_id_mismatch")
    assert mock_config_entry.data == old_data
    assert mock_config_entry.unique_id == MACHINE_IDENTIFIER
    assert not mock_setup_entry.mock_calls
