"""The flow's discovery steps: a server found by GDM or zeroconf.

"Plex server *name* found at *address*", then sign in or type a token; the discovered
address is used (signing in also tries plex.tv's addresses for the server). The unique
id is the machine identifier, so a server seen both ways is one flow, and a configured
one ends the flow. A manual entry reached over plain http at an IP address (what a
router change breaks) takes the address the server answers from now, unless its address
works (loaded, last poll fine): then nothing moved, and a device on the network that
announces itself under the server's identifier does not get the token. https
addresses, host names and signed-in entries (which ask plex.tv, see `address_switch.py`)
are left alone.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_URL
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .api import PlexClient, PlexError
from .const import CONF_ACCOUNT_TOKEN, DOMAIN
from .flow_base import DiscoveredServer
from .signin import SignInSteps

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigFlowResult
    from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
    from homeassistant.helpers.typing import DiscoveryInfoType


def _is_plain_ip_url(url: str) -> bool:
    """Return whether `url` is plain http to an IP address."""
    parts = urlsplit(url)
    try:
        ipaddress.ip_address(parts.hostname or "")
    except ValueError:
        return False
    return parts.scheme == "http"


class DiscoverySteps(SignInSteps):
    """The steps of a flow started by GDM or zeroconf."""

    async def async_step_integration_discovery(
        self, discovery_info: DiscoveryInfoType
    ) -> ConfigFlowResult:
        """Handle a server that answered GDM."""
        return await self._async_discovered(
            DiscoveredServer(
                machine_identifier=discovery_info["machine_identifier"],
                name=discovery_info["name"],
                url=discovery_info["url"],
            )
        )

    async def async_step_zeroconf(
        self, discovery_info: ZeroconfServiceInfo
    ) -> ConfigFlowResult:
        """Handle a `_plexmediasvr._tcp` record: ask the server who it is."""
        address = discovery_info.ip_address
        host = f"[{address}]" if address.version == 6 else str(address)
        url = f"http://{host}:{discovery_info.port or 32400}"
        client = PlexClient(
            async_get_clientsession(self.hass), url, "", client_identifier=DOMAIN
        )
        try:
            identity = await client.identity()
        except PlexError:
            return self.async_abort(reason="cannot_connect")
        name = discovery_info.name.removesuffix(f".{discovery_info.type}")
        return await self._async_discovered(
            DiscoveredServer(
                machine_identifier=identity.machine_identifier, name=name, url=url
            )
        )

    async def _async_discovered(self, server: DiscoveredServer) -> ConfigFlowResult:
        """One flow per server; configured servers end it (maybe with a new address)."""
        await self.async_set_unique_id(server.machine_identifier)
        entry = self.hass.config_entries.async_entry_for_domain_unique_id(
            DOMAIN, server.machine_identifier
        )
        updates = None
        if (
            entry is not None
            and CONF_ACCOUNT_TOKEN not in entry.data
            and _is_plain_ip_url(entry.data.get(CONF_URL, ""))  # ignored: no data
            and not (
                entry.state is ConfigEntryState.LOADED
                and entry.runtime_data.last_update_success
            )
        ):
            updates = {CONF_URL: server.url}
        self._abort_if_unique_id_configured(updates=updates)
        self._discovered = server
        self.context["title_placeholders"] = {
            "name": server.name,
            "address": server.url,
        }
        return await self.async_step_discovery_confirm()

    async def async_step_discovery_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Say what was found where; offer signing in or typing a token."""
        assert self._discovered is not None  # noqa: S101 - set before this step
        return self.async_show_menu(
            step_id="discovery_confirm",
            menu_options=["signin", "discovery_token"],
            description_placeholders={
                "name": self._discovered.name,
                "address": self._discovered.url,
            },
        )

    async def async_step_discovery_token(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for a token for the discovered server and check it."""
        assert self._discovered is not None  # noqa: S101 - set before this step
        return await self._async_token_step(
            "discovery_token",
            self._discovered.url,
            user_input,
            verify_ssl=True,
            placeholders={
                "name": self._discovered.name,
                "address": self._discovered.url,
            },
        )
