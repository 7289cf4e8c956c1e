"""Signing in with Plex: a PIN at plex.tv, the sign-in page, the server, its connection.

The sign-in page opens through Home Assistant's external step. plex.tv never has to
reach Home Assistant (no `forwardUrl`, no callback view): the flow polls the PIN itself,
once a second as plex.tv asks, until it is claimed or expires, and then moves on. So it
works whether Home Assistant is opened locally, through a proxy or through Home
Assistant Cloud.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any, Final

from homeassistant.const import CONF_TOKEN, CONF_URL, CONF_VERIFY_SSL
from homeassistant.data_entry_flow import UnknownFlow
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
)
import voluptuous as vol

from .api import (
    Backoff,
    Candidate,
    ConnectionKind,
    PlexError,
    PlexNotFoundError,
    PlexRateLimitedError,
)
from .const import CONF_ACCOUNT_TOKEN, CONF_CLIENT_IDENTIFIER, DOMAIN, LOGGER
from .flow_base import PlexFlowBase
from .plextv import async_connect, plextv_client, server_token

if TYPE_CHECKING:
    from collections.abc import Iterable

    from homeassistant.config_entries import ConfigFlowResult

    from .api import PlexPin, PlexResource, PlexTvClient

# plex.tv's guidance: poll a PIN once a second.
PIN_POLL_INTERVAL: Final = 1.0
# The longest pause between polls when plex.tv asks to slow down without saying how long.
MAX_PIN_POLL_DELAY: Final = 60.0
CONF_SERVER: Final = "server"


class SignInSteps(PlexFlowBase):
    """The steps of signing in with Plex, for a new entry, reauth and reconfigure."""

    _pin: PlexPin | None = None
    _poll_task: asyncio.Task[None] | None = None
    _signin_next: str = "signin_timed_out"
    _account_token: str | None = None
    _servers: dict[str, PlexResource] | None = None

    async def async_step_signin(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Send the user to plex.tv's sign-in page; continue once the PIN is claimed."""
        if user_input is not None:  # the poll below is done
            return self.async_external_step_done(next_step_id=self._signin_next)
        client = plextv_client(self.hass, self._client_identifier())
        if self._pin is None:
            try:
                self._pin = await client.create_pin()
            except PlexRateLimitedError:  # nothing is lost: nothing was entered yet
                LOGGER.warning("plex.tv asks to wait before creating a sign-in PIN")
                return self.async_abort(reason="plextv_rate_limited")
            except PlexError as err:
                LOGGER.warning("plex.tv could not create a sign-in PIN: %s", err)
                return self.async_abort(reason="plextv_unavailable")
            self._poll_task = self.hass.async_create_background_task(
                self._async_wait_for_signin(client, self._pin),
                f"{DOMAIN} sign-in",
                eager_start=False,
            )
        return self.async_external_step(
            step_id="signin", url=client.auth_url(self._pin)
        )

    async def _async_wait_for_signin(self, client: PlexTvClient, pin: PlexPin) -> None:
        """Poll the PIN until it is claimed or expires, then resume the flow."""
        if (token := await _async_poll_pin(client, pin)) is not None:
            self._account_token = token
            self._signin_next = "signin_servers"
        with contextlib.suppress(UnknownFlow):  # the user closed the dialog
            await self.hass.config_entries.flow.async_configure(self.flow_id, {})

    def async_remove(self) -> None:
        """Stop polling when the flow goes away."""
        if self._poll_task is not None:
            self._poll_task.cancel()

    async def async_step_signin_timed_out(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The sign-in was not completed in time."""
        return self.async_abort(reason="signin_timed_out")

    async def async_step_signin_servers(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """List the account's servers; use the one meant, or let the user choose.

        When plex.tv asks to wait, the form says so and submitting it asks again: the
        sign-in is kept, the user does not have to sign in again.
        """
        assert self._account_token is not None  # noqa: S101 - set before this step
        client = plextv_client(self.hass, self._client_identifier())
        try:
            servers = await client.servers(self._account_token)
        except PlexRateLimitedError:
            LOGGER.warning("plex.tv asks to wait before listing the account's servers")
            return self.async_show_form(
                step_id="signin_servers", errors={"base": "plextv_rate_limited"}
            )
        except PlexError as err:
            LOGGER.warning("plex.tv could not list the account's servers: %s", err)
            return self.async_abort(reason="plextv_unavailable")
        return await self._async_choose_server(servers)

    async def _async_choose_server(
        self, servers: list[PlexResource]
    ) -> ConfigFlowResult:
        """Use the server this flow is about, the only one, or let the user choose."""
        if not servers:
            return self.async_abort(reason="no_servers")
        wanted = self._wanted_server()
        if wanted is not None:
            servers = [s for s in servers if s.machine_identifier == wanted]
            if not servers:
                return self.async_abort(reason="server_not_in_account")
        else:
            configured = self._async_current_ids(include_ignore=False)
            listed, servers = (
                servers,
                [s for s in servers if s.machine_identifier not in configured],
            )
            if not servers:
                many = len(listed) > 1
                return self.async_abort(
                    reason="all_configured" if many else "already_configured"
                )
        self._servers = {s.machine_identifier: s for s in servers}
        if len(servers) == 1:
            return await self._async_use_server(servers[0])
        return await self.async_step_select_server()

    async def async_step_select_server(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Let the user choose among several servers (shared ones name their owner)."""
        assert self._servers is not None  # noqa: S101 - set before this step
        if user_input is not None:
            return await self._async_use_server(self._servers[user_input[CONF_SERVER]])
        return self.async_show_form(
            step_id="select_server", data_schema=_server_schema(self._servers.values())
        )

    def _wanted_server(self) -> str | None:
        """Return the server this flow is about, if it is about one already."""
        if (entry := self._existing_entry) is not None:
            return entry.unique_id
        return None if self._discovered is None else self._discovered.machine_identifier

    async def _async_use_server(self, resource: PlexResource) -> ConfigFlowResult:
        """Find the best connection to the server and finish with it."""
        assert self._account_token is not None  # noqa: S101 - set before this step
        token = server_token(resource, self._account_token)
        client_identifier = self._client_identifier()
        discovered = None
        if self._discovered is not None:
            discovered = Candidate(
                url=self._discovered.url, kind=ConnectionKind.LOCAL_HTTP
            )
        try:
            url, info = await async_connect(
                self.hass, resource, token, client_identifier, discovered
            )
        except PlexError as err:
            LOGGER.warning("No connection of %s answered: %s", resource.name, err)
            return self.async_abort(
                reason="server_unreachable",
                description_placeholders={"name": resource.name},
            )
        return await self._async_finish(
            info,
            {
                CONF_URL: url,
                CONF_TOKEN: token,
                CONF_VERIFY_SSL: True,
                CONF_CLIENT_IDENTIFIER: client_identifier,
                CONF_ACCOUNT_TOKEN: self._account_token,
            },
        )


async def _async_poll_pin(client: PlexTvClient, pin: PlexPin) -> str | None:
    """Poll the PIN until it is claimed (return its token) or expires (None)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + pin.expires_in
    # plex.tv asking to slow down without saying how long: twice as long each time.
    slower = Backoff(
        initial=2 * PIN_POLL_INTERVAL, maximum=MAX_PIN_POLL_DELAY, jitter=0.0
    )
    delay = PIN_POLL_INTERVAL
    while (remaining := deadline - loop.time()) > 0:
        await asyncio.sleep(min(delay, remaining))
        try:
            checked = await client.check_pin(pin)
        except PlexRateLimitedError as err:  # wait as long as plex.tv asks
            wanted = slower.next_delay() if err.retry_after is None else err.retry_after
            delay = max(wanted, PIN_POLL_INTERVAL)
            continue
        except PlexNotFoundError:  # expired
            return None
        except PlexError:  # plex.tv hiccup: keep trying until the PIN expires
            checked = None
        slower.reset()
        delay = PIN_POLL_INTERVAL
        if checked is not None and checked.auth_token is not None:
            return checked.auth_token
    return None


def _server_schema(servers: Iterable[PlexResource]) -> Any:
    """Return the form choosing among servers (shared ones name their owner)."""
    options = [
        SelectOptionDict(
            value=server.machine_identifier,
            label=server.name if server.owned else f"{server.name} ({server.owner})",
        )
        for server in servers
    ]
    # Home Assistant's probatio alias at run time; see config_flow.USER_SCHEMA.
    return vol.Schema(
        {
            vol.Required(CONF_SERVER): SelectSelector(
                SelectSelectorConfig(options=options)
            )
        }
    )
