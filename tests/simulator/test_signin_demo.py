"""The demo's sign-in stand-ins: plex.tv lists the simulator and a shared server."""

from __future__ import annotations

from typing import TYPE_CHECKING

from custom_components.plex_activities.api import PlexClient
from custom_components.plex_activities.api.account import ConnectionKind
from custom_components.plex_activities.api.gdm import scan
from custom_components.plex_activities.api.plextv import PlexTvClient
from custom_components.plex_activities.api.probe import candidates, probe
from plex_simulator.signin_demo import SHARED_TOKEN, start_signin_standins

from .helpers import TOKEN

if TYPE_CHECKING:
    import aiohttp

    from plex_simulator import PlexSimulator


async def test_demo_standins(
    sim: PlexSimulator, session: aiohttp.ClientSession
) -> None:
    """Both servers answer on their local http address only; GDM finds the simulator."""
    standins = await start_signin_standins(sim)
    try:
        client = PlexTvClient(
            session,
            client_identifier="demo",
            product="p",
            version="1",
            base_url=standins.plextv.url,
        )
        owned, shared = await client.servers(TOKEN)
        assert (owned.name, owned.owned) == (sim.identity.friendly_name, True)
        assert (shared.owned, shared.owner, shared.access_token) == (
            False,
            "alice",
            SHARED_TOKEN,
        )
        result = await probe(
            session,
            owned.machine_identifier,
            TOKEN,
            candidates(owned.connections),
            client_identifier="demo",
        )
        assert (result.url, result.kind) == (sim.url, ConnectionKind.LOCAL_HTTP)
        result = await probe(
            session,
            shared.machine_identifier,
            SHARED_TOKEN,
            candidates(shared.connections),
            client_identifier="demo",
        )
        assert result.kind is ConnectionKind.REMOTE_HTTP
        # Alice's scan runs on her server, but the demo account does not see it.
        assert len(standins.shared.activities) == 1
        shared_client = PlexClient(
            session, result.url, SHARED_TOKEN, client_identifier="demo"
        )
        assert await shared_client.activities() == []
        (found,) = await scan(standins.gdm.address, duration=0.3)
        assert found.url == sim.url
    finally:
        await standins.stop()
