"""What the config flow's step groups share: the flow's state and how every way ends."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final
from uuid import uuid4

from homeassistant.config_entries import SOURCE_REAUTH, SOURCE_RECONFIGURE, ConfigFlow
from homeassistant.const import CONF_TOKEN
from homeassistant.helpers.selector import (
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from .const import CONF_CLIENT_IDENTIFIER

# At run time `voluptuous` is Home Assistant's probatio alias (2026.9+), but its stubs
# name voluptuous' own Schema, which Home Assistant's signatures no longer accept.
TOKEN_FIELD: Final = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
TOKEN_SCHEMA: Final[Any] = vol.Schema({vol.Required(CONF_TOKEN): TOKEN_FIELD})

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry, ConfigFlowResult

    from .api import ServerInfo


@dataclass(frozen=True, slots=True, kw_only=True)
class DiscoveredServer:
    """A server found on the network (GDM or zeroconf): who and where."""

    machine_identifier: str
    name: str
    url: str


class PlexFlowBase(ConfigFlow):
    """The base of the flow's step groups (`signin.py`, `discovery_flow.py`).

    `config_flow.PlexActivitiesConfigFlow` implements the two ways to finish.
    """

    _discovered: DiscoveredServer | None = None
    _new_identifier: str | None = None

    @property
    def _existing_entry(self) -> ConfigEntry | None:
        """Return the entry being reauthenticated or reconfigured, if any."""
        if self.source == SOURCE_REAUTH:
            return self._get_reauth_entry()
        if self.source == SOURCE_RECONFIGURE:
            return self._get_reconfigure_entry()
        return None

    def _client_identifier(self) -> str:
        """Return the entry's client identifier, or this flow's new one."""
        if (entry := self._existing_entry) is not None:
            identifier: str = entry.data[CONF_CLIENT_IDENTIFIER]
            return identifier
        if self._new_identifier is None:
            self._new_identifier = uuid4().hex
        return self._new_identifier

    async def _async_token_step(
        self,
        step_id: str,
        url: str,
        user_input: dict[str, Any] | None,
        *,
        verify_ssl: bool,
        placeholders: dict[str, str],
    ) -> ConfigFlowResult:
        """Ask for a token for the server at `url`, check it, and finish."""
        errors: dict[str, str] = {}
        if user_input is not None:
            result, errors = await self._async_validate_and_finish(
                url,
                user_input[CONF_TOKEN],
                verify_ssl=verify_ssl,
                client_identifier=self._client_identifier(),
            )
            if result is not None:
                return result
        return self.async_show_form(
            step_id=step_id,
            data_schema=TOKEN_SCHEMA,
            errors=errors,
            description_placeholders=placeholders,
        )

    async def _async_validate_and_finish(
        self, url: str, token: str, *, verify_ssl: bool, client_identifier: str
    ) -> tuple[ConfigFlowResult | None, dict[str, str]]:
        """Check the server; finish the flow, or return what the form should say."""
        raise NotImplementedError

    async def _async_finish(
        self, info: ServerInfo, data: dict[str, Any]
    ) -> ConfigFlowResult:
        """Create or update the entry for the server `info` with `data`."""
        raise NotImplementedError
