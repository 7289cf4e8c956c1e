"""Config flow of the Plex Activities integration: user, reauth and reconfigure."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from homeassistant.const import CONF_TOKEN, CONF_URL, CONF_VERIFY_SSL
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from .address import InvalidUrlError, normalize_url
from .api import (
    PlexAuthenticationError,
    PlexClient,
    PlexConnectionError,
    PlexInvalidResponseError,
    PlexNotFoundError,
    PlexRedirectError,
    PlexSSLError,
)
from .const import CONF_CLIENT_IDENTIFIER, DOMAIN, LOGGER
from .discovery import async_scan_soon
from .discovery_flow import DiscoverySteps
from .flow_base import TOKEN_FIELD
from .signin import SignInSteps

if TYPE_CHECKING:
    from collections.abc import Mapping

    from homeassistant.config_entries import ConfigEntry, ConfigFlowResult

    from .api import ServerInfo

_URL_FIELD: Final = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))

# At run time `voluptuous` is Home Assistant's probatio alias (2026.9+), but its stubs
# name voluptuous' own Schema, which Home Assistant's signatures no longer accept.
USER_SCHEMA: Final[Any] = vol.Schema(
    {
        vol.Required(CONF_URL): _URL_FIELD,
        vol.Required(CONF_TOKEN): TOKEN_FIELD,
        vol.Required(CONF_VERIFY_SSL, default=True): bool,
    }
)
RECONFIGURE_SCHEMA: Final[Any] = vol.Schema(
    {
        vol.Required(CONF_URL): _URL_FIELD,
        vol.Required(CONF_VERIFY_SSL, default=True): bool,
    }
)


class PlexActivitiesConfigFlow(DiscoverySteps, SignInSteps, domain=DOMAIN):
    """Set up a Plex Media Server, renew its token or change its address.

    Signing in with Plex (`signin.py`) and discovery (`discovery_flow.py`) have steps
    of their own; every way checks the server and ends in `_async_finish`, one
    sequence for new entries, reauth and reconfigure.
    """

    VERSION = 1

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Offer signing in with Plex first, typing the address and token second."""
        async_scan_soon(self.hass)
        return self.async_show_menu(step_id="user", menu_options=["signin", "manual"])

    async def async_step_manual(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the server's address and token, and check them."""
        errors: dict[str, str] = {}
        if user_input is not None:
            result, errors = await self._async_check_address(
                user_input, user_input[CONF_TOKEN], self._client_identifier()
            )
            if result is not None:
                return result
            # Keep what the user typed, except the token.
            user_input = {k: v for k, v in user_input.items() if k != CONF_TOKEN}
        return self.async_show_form(
            step_id="manual",
            data_schema=self.add_suggested_values_to_schema(USER_SCHEMA, user_input),
            errors=errors,
        )

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Start renewing the token the server rejected: sign in, or type a token."""
        return self._entry_menu("reauth", "reauth_confirm", self._get_reauth_entry())

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for a new token and check it against the same server."""
        entry = self._get_reauth_entry()
        return await self._async_token_step(
            "reauth_confirm",
            entry.data[CONF_URL],
            user_input,
            verify_ssl=entry.data[CONF_VERIFY_SSL],
            placeholders={"name": entry.title},
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change how to reach the server: sign in, or type the address."""
        entry = self._get_reconfigure_entry()
        return self._entry_menu("reconfigure", "reconfigure_manual", entry)

    async def async_step_reconfigure_manual(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the server's address or the certificate check."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            result, errors = await self._async_check_address(
                user_input, entry.data[CONF_TOKEN], entry.data[CONF_CLIENT_IDENTIFIER]
            )
            if result is not None:
                return result
        return self.async_show_form(
            step_id="reconfigure_manual",
            data_schema=self.add_suggested_values_to_schema(
                RECONFIGURE_SCHEMA, user_input or entry.data
            ),
            errors=errors,
            description_placeholders={"name": entry.title},
        )

    def _entry_menu(
        self, step_id: str, manual_step: str, entry: ConfigEntry
    ) -> ConfigFlowResult:
        """Offer signing in with Plex or the manual step, for an existing entry."""
        # What the flow's title (`flow_title`) names; Home Assistant gives only `name`.
        self.context["title_placeholders"] = {
            "name": entry.title,
            "address": entry.data.get(CONF_URL, ""),
        }
        return self.async_show_menu(
            step_id=step_id,
            menu_options=["signin", manual_step],
            description_placeholders={"name": entry.title},
        )

    async def _async_check_address(
        self, user_input: dict[str, Any], token: str, client_identifier: str
    ) -> tuple[ConfigFlowResult | None, dict[str, str]]:
        """Check the typed address, then the server; finish, or return the form errors."""
        errors: dict[str, str] = {}
        try:
            url = normalize_url(user_input[CONF_URL])
        except InvalidUrlError:
            errors[CONF_URL] = "invalid_url"
            return None, errors
        return await self._async_validate_and_finish(
            url,
            token,
            verify_ssl=user_input[CONF_VERIFY_SSL],
            client_identifier=client_identifier,
        )

    async def _async_validate_and_finish(
        self, url: str, token: str, *, verify_ssl: bool, client_identifier: str
    ) -> tuple[ConfigFlowResult | None, dict[str, str]]:
        """Check the address and token; finish the flow, or return the form errors."""
        client = PlexClient(
            async_get_clientsession(self.hass, verify_ssl=verify_ssl),
            url,
            token,
            client_identifier=client_identifier,
            verify_ssl=verify_ssl,
        )
        info = await _async_server_info(client, url)
        if isinstance(info, str):
            return None, {"base": info}
        data = {
            CONF_URL: url,
            CONF_TOKEN: token,
            CONF_VERIFY_SSL: verify_ssl,
            CONF_CLIENT_IDENTIFIER: client_identifier,
        }
        return await self._async_finish(info, data), {}

    async def _async_finish(
        self, info: ServerInfo, data: dict[str, Any]
    ) -> ConfigFlowResult:
        """Create the entry, or update the one being reauthenticated or reconfigured.

        The server must be the one of that entry; a new entry's must not be configured.
        """
        await self.async_set_unique_id(info.machine_identifier, raise_on_progress=False)
        if (entry := self._existing_entry) is not None:
            self._abort_if_unique_id_mismatch()
            return self.async_update_reload_and_abort(entry, data_updates=data)
        self._abort_if_unique_id_configured()
        return self.async_create_entry(title=info.friendly_name, data=data)


async def _async_server_info(client: PlexClient, url: str) -> ServerInfo | str:
    """Ask the server who it is; return its answer, or the form error to show."""
    try:
        return await client.server_info()
    except PlexSSLError:  # before PlexConnectionError, its base class
        error = "ssl_error"
    except PlexAuthenticationError:
        error = "invalid_auth"
    except PlexRedirectError:  # before PlexInvalidResponseError, its base class
        error = "redirected"
    except PlexConnectionError, PlexInvalidResponseError, PlexNotFoundError:
        # A 404 on `/` means the address leads to a web server that is not Plex.
        error = "cannot_connect"
    except Exception:  # noqa: BLE001 - logged with its traceback, shown as "unknown"
        # The client's own messages never contain the token; neither does this one.
        LOGGER.exception("Unexpected error while checking the Plex server %s", url)
        error = "unknown"
    return error
