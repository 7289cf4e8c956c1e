"""Config flow of the Plex Activities integration: user, reauth and reconfigure."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit
from uuid import uuid4

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult
from homeassistant.const import CONF_TOKEN, CONF_URL, CONF_VERIFY_SSL
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from .api import (
    PlexAuthenticationError,
    PlexClient,
    PlexConnectionError,
    PlexInvalidResponseError,
    PlexNotFoundError,
    PlexSSLError,
)
from .const import CONF_CLIENT_IDENTIFIER, DEFAULT_PORT, DOMAIN, LOGGER

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .api import ServerInfo

_URL_FIELD: Final = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
_TOKEN_FIELD: Final = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))

# At run time `voluptuous` is Home Assistant's probatio alias (2026.9+), but its stubs
# name voluptuous' own Schema, which Home Assistant's signatures no longer accept.
USER_SCHEMA: Final[Any] = vol.Schema(
    {
        vol.Required(CONF_URL): _URL_FIELD,
        vol.Required(CONF_TOKEN): _TOKEN_FIELD,
        vol.Required(CONF_VERIFY_SSL, default=True): bool,
    }
)
REAUTH_SCHEMA: Final[Any] = vol.Schema({vol.Required(CONF_TOKEN): _TOKEN_FIELD})
RECONFIGURE_SCHEMA: Final[Any] = vol.Schema(
    {
        vol.Required(CONF_URL): _URL_FIELD,
        vol.Required(CONF_VERIFY_SSL, default=True): bool,
    }
)

# A DNS name or an IPv4 address (urlsplit lower-cases the host).
_HOST_NAME: Final = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?")


class InvalidUrlError(ValueError):
    """The server address is not an http(s) address of a server."""


def normalize_url(value: str) -> str:
    """Return `scheme://host[:port]` for what the user typed as the server's address.

    A bare host (name, IPv4, `[IPv6]`, optionally with `:port`) gets `http://`; plain
    http without a port gets Plex's port 32400. Credentials, a path, a query or a
    fragment are refused, since the integration would silently drop them.

    Raises:
        InvalidUrlError: The value is not such an address.
    """
    text = value.strip()
    if "://" not in text:
        text = f"http://{text}"
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as err:
        raise InvalidUrlError(str(err)) from None
    if parts.scheme not in ("http", "https"):
        raise InvalidUrlError("only http and https are supported")
    if "@" in parts.netloc:
        raise InvalidUrlError("the address must not contain credentials")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise InvalidUrlError("the address must not have a path, query or fragment")
    host = parts.hostname or ""
    if ":" in host:  # urlsplit has checked that a bracketed host is an IPv6 address
        host = f"[{host}]"
    elif not _HOST_NAME.fullmatch(host):
        raise InvalidUrlError("the address has no valid host")
    if port == 0:
        raise InvalidUrlError("port 0 is not a valid port")
    if port is None and parts.scheme == "http":
        port = DEFAULT_PORT
    return f"{parts.scheme}://{host}" + ("" if port is None else f":{port}")


class PlexActivitiesConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up a Plex Media Server, renew its token or change its address."""

    VERSION = 1

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the server's address and token, and check them."""
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                url = normalize_url(user_input[CONF_URL])
            except InvalidUrlError:
                errors[CONF_URL] = "invalid_url"
            else:
                client_identifier = uuid4().hex
                token: str = user_input[CONF_TOKEN]
                verify_ssl: bool = user_input[CONF_VERIFY_SSL]
                info, errors = await self._async_validate(
                    url,
                    token,
                    verify_ssl=verify_ssl,
                    client_identifier=client_identifier,
                )
                if info is not None:
                    await self.async_set_unique_id(
                        info.machine_identifier, raise_on_progress=False
                    )
                    self._abort_if_unique_id_configured()
                    return self.async_create_entry(
                        title=info.friendly_name,
                        data={
                            CONF_URL: url,
                            CONF_TOKEN: token,
                            CONF_VERIFY_SSL: verify_ssl,
                            CONF_CLIENT_IDENTIFIER: client_identifier,
                        },
                    )
            # Keep what the user typed, except the token.
            user_input = {k: v for k, v in user_input.items() if k != CONF_TOKEN}
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(USER_SCHEMA, user_input),
            errors=errors,
        )

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Start renewing the token the server rejected."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for a new token and check it against the same server."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            token: str = user_input[CONF_TOKEN]
            info, errors = await self._async_validate(
                entry.data[CONF_URL],
                token,
                verify_ssl=entry.data[CONF_VERIFY_SSL],
                client_identifier=entry.data[CONF_CLIENT_IDENTIFIER],
            )
            if info is not None:
                await self.async_set_unique_id(
                    info.machine_identifier, raise_on_progress=False
                )
                self._abort_if_unique_id_mismatch()
                return self.async_update_reload_and_abort(
                    entry, data_updates={CONF_TOKEN: token}
                )
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=REAUTH_SCHEMA,
            errors=errors,
            description_placeholders={"name": entry.title},
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the server's address or the certificate check."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                url = normalize_url(user_input[CONF_URL])
            except InvalidUrlError:
                errors[CONF_URL] = "invalid_url"
            else:
                verify_ssl: bool = user_input[CONF_VERIFY_SSL]
                info, errors = await self._async_validate(
                    url,
                    entry.data[CONF_TOKEN],
                    verify_ssl=verify_ssl,
                    client_identifier=entry.data[CONF_CLIENT_IDENTIFIER],
                )
                if info is not None:
                    await self.async_set_unique_id(
                        info.machine_identifier, raise_on_progress=False
                    )
                    self._abort_if_unique_id_mismatch()
                    return self.async_update_reload_and_abort(
                        entry,
                        data_updates={CONF_URL: url, CONF_VERIFY_SSL: verify_ssl},
                    )
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                RECONFIGURE_SCHEMA, user_input or entry.data
            ),
            errors=errors,
            description_placeholders={"name": entry.title},
        )

    async def _async_validate(
        self, url: str, token: str, *, verify_ssl: bool, client_identifier: str
    ) -> tuple[ServerInfo | None, dict[str, str]]:
        """Ask the server who it is; return its info, or the form errors."""
        client = PlexClient(
            async_get_clientsession(self.hass, verify_ssl=verify_ssl),
            url,
            token,
            client_identifier=client_identifier,
            verify_ssl=verify_ssl,
        )
        try:
            return await client.server_info(), {}
        except PlexSSLError:  # before PlexConnectionError, its base class
            error = "ssl_error"
        except PlexAuthenticationError:
            error = "invalid_auth"
        except PlexConnectionError, PlexInvalidResponseError, PlexNotFoundError:
            # A 404 on `/` means the address leads to a web server that is not Plex.
            error = "cannot_connect"
        except Exception:  # noqa: BLE001 - logged with its traceback, shown as "unknown"
            # The client's own messages never contain the token; neither does this one.
            LOGGER.exception("Unexpected error while checking the Plex server %s", url)
            error = "unknown"
        return None, {"base": error}
