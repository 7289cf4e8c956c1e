"""plex.tv for the rest of the integration: a client, the server's token, its connection."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .api import Candidate, ConnectionKind, PlexTvClient, candidates, probe
from .const import LOGGER
from .endpoints import plex_endpoints

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from .api import PlexResource, ServerInfo

PRODUCT: Final = "Plex Activities for Home Assistant"


def plextv_client(hass: HomeAssistant, client_identifier: str) -> PlexTvClient:
    """Return a plex.tv client (Plex's own, or the stand-in in tests and the demo)."""
    endpoints = plex_endpoints()
    return PlexTvClient(
        async_get_clientsession(hass),
        client_identifier=client_identifier,
        product=PRODUCT,
        version="1",
        base_url=endpoints.plextv_url,
        auth_app_url=endpoints.auth_app_url,
    )


def server_token(resource: PlexResource, account_token: str) -> str:
    """Return the token for the server: the account's if owned, its own if shared."""
    return account_token if resource.owned else resource.access_token


async def async_connect(
    hass: HomeAssistant,
    resource: PlexResource,
    token: str,
    client_identifier: str,
    extra: Candidate | None = None,
) -> tuple[str, ServerInfo]:
    """Probe the server's connections (and `extra`); return the URL and server info.

    Raises PlexError when none answers as that server.
    """
    found = candidates(resource.connections)
    if extra is not None and extra.url not in {c.url for c in found}:
        found = sorted([extra, *found], key=lambda candidate: candidate.kind)
    result = await probe(
        async_get_clientsession(hass),
        resource.machine_identifier,
        token,
        found,
        client_identifier=client_identifier,
    )
    if result.kind is ConnectionKind.RELAY:
        LOGGER.warning(
            "Only Plex Relay reaches %s; its bandwidth is limited, so check that the"
            " server is reachable on your network",
            resource.name,
        )
    return result.url, result.info
