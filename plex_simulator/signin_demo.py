"""plex.tv's stand-in and a GDM responder around a running simulator, for the demo.

The stand-in's account owns the simulator (its token is the account's: an owner's
account token works on their own server) and has a second server shared with it by
"alice": there the account's access token is a shared user's (see
``plex_simulator.shared_users``), so it does not see the library scan alice's own token
started, and may not cancel it. Every connection plex.tv lists leads to loopback: the
simulator's own address as the local http one; the local https, remote and relay ones to
loopback ports where nothing listens, so the probe passes over them as over a real
unreachable address. The GDM responder answers for the simulator on a loopback UDP port.
"""

from __future__ import annotations

from dataclasses import dataclass
import socket

from plex_simulator.gdm import GdmEntry, GdmResponder
from plex_simulator.plextv import (
    ACCOUNT_ID,
    PlexTvStandIn,
    StandInServer,
    connection,
)
from plex_simulator.server import PlexSimulator

SHARED_TOKEN = "demo-shared-server-token"  # noqa: S105 - the demo's own
ALICE_TOKEN = "demo-alice-owner-token"  # noqa: S105 - the demo's own
SHARED_MACHINE_IDENTIFIER = "simulated0machine0identifier0003"


def closed_port() -> int:
    """Return a loopback TCP port nothing listens on (bound briefly, then freed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def dead_ends() -> list[dict[str, object]]:
    """Return local https, remote and relay connections that lead nowhere."""
    return [
        connection(f"https://127.0.0.1:{closed_port()}", local=True),
        connection(f"http://127.0.0.1:{closed_port()}", local=False),
        connection(f"https://127.0.0.1:{closed_port()}", local=False, relay=True),
    ]


@dataclass
class SignInStandIns:
    """The running stand-ins: plex.tv, GDM and the shared server."""

    plextv: PlexTvStandIn
    gdm: GdmResponder
    shared: PlexSimulator

    async def stop(self) -> None:
        """Stop all three."""
        await self.plextv.stop()
        await self.gdm.stop()
        await self.shared.stop()


async def start_signin_standins(
    sim: PlexSimulator, *, plextv_port: int = 0, gdm_port: int = 0
) -> SignInStandIns:
    """Start plex.tv's stand-in and a GDM responder for the running simulator `sim`."""
    identity = sim.identity
    shared = PlexSimulator(
        token=ALICE_TOKEN,
        friendly_name="Alice's Plex",
        machine_identifier=SHARED_MACHINE_IDENTIFIER,
    )
    shared.shared_users.add(SHARED_TOKEN, ACCOUNT_ID)
    shared.start_activity(
        title="Scanning Movies",
        cancellable=True,
        progress=-1,
        context={"librarySectionID": "1"},
    )
    await shared.start()
    plextv = PlexTvStandIn(
        port=plextv_port,
        account_token=sim.token,
        servers=[
            StandInServer(
                name=identity.friendly_name,
                machine_identifier=identity.machine_identifier,
                access_token=sim.token,
                connections=[connection(sim.url, local=True), *dead_ends()],
            ),
            StandInServer(
                name="Alice's Plex",
                machine_identifier=SHARED_MACHINE_IDENTIFIER,
                access_token=SHARED_TOKEN,
                owned=False,
                owner="alice",
                connections=[connection(shared.url, local=False), *dead_ends()],
            ),
        ],
    )
    await plextv.start()
    gdm = GdmResponder(
        port=gdm_port,
        servers=[
            GdmEntry(
                machine_identifier=identity.machine_identifier,
                name=identity.friendly_name,
                port=sim.port,
            )
        ],
    )
    await gdm.start()
    return SignInStandIns(plextv=plextv, gdm=gdm, shared=shared)
