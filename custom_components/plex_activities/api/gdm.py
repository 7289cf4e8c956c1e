"""GDM ("G'Day Mate"), Plex's own discovery: who answers `M-SEARCH * HTTP/1.0`.

One datagram goes to Plex's multicast group (239.0.0.250:32414, TTL 1: the local
network only); every Plex Media Server there answers with `Resource-Identifier`,
`Name`, `Port` and `Version` lines. Replies are read until the scan's time is up; the
socket is non-blocking and owned by the event loop, so a scan never blocks it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import ipaddress
import socket
from typing import Final

GDM_ADDRESS: Final = ("239.0.0.250", 32414)
GDM_REQUEST: Final = b"M-SEARCH * HTTP/1.0\r\n\r\n"
_MAX_SERVERS: Final = 64


@dataclass(frozen=True, slots=True, kw_only=True)
class GdmServer:
    """A server that answered: its id, name, and where it said it listens."""

    machine_identifier: str
    name: str
    host: str
    port: int
    version: str

    @property
    def url(self) -> str:
        """Return the server's plain-http address on the local network."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


def parse_reply(data: bytes, host: str) -> GdmServer | None:
    """Parse one GDM reply from `host`; None unless it is a media server's `200 OK`."""
    lines = data.decode("utf-8", "replace").splitlines()
    if not lines or "200 OK" not in lines[0]:
        return None
    fields: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")  # values may contain colons
        if colon:
            fields[name.strip().lower()] = value.strip()
    content_type = fields.get("content-type", "plex/media-server")
    machine_identifier = fields.get("resource-identifier", "")
    try:
        port = int(fields.get("port", "32400"))
    except ValueError:
        return None
    if content_type != "plex/media-server" or not machine_identifier:
        return None
    if not 0 < port < 65536:
        return None
    return GdmServer(
        machine_identifier=machine_identifier,
        name=fields.get("name") or "Plex Media Server",
        host=host,
        port=port,
        version=fields.get("version", ""),
    )


class _Collector(asyncio.DatagramProtocol):
    """Collects the replies of one scan, one per server."""

    def __init__(self) -> None:
        self.servers: dict[str, GdmServer] = {}

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        server = parse_reply(data, str(addr[0]))
        if server is not None and len(self.servers) < _MAX_SERVERS:
            self.servers.setdefault(server.machine_identifier, server)

    def error_received(self, exc: Exception) -> None:
        """Ignore ICMP errors (e.g. nobody listening on a loopback target)."""


async def scan(
    target: tuple[str, int] = GDM_ADDRESS,
    duration: float = 1.0,
) -> list[GdmServer]:
    """Send one GDM search to `target` and return the servers that answer in time.

    Raises:
        OSError: The datagram socket could not be opened or the search not sent.
    """
    loop = asyncio.get_running_loop()
    address = ipaddress.ip_address(target[0])
    # A loopback target (tests, the demo) gets a loopback socket: nothing leaves the host.
    local = "127.0.0.1" if address.is_loopback else "0.0.0.0"  # noqa: S104
    transport, collector = await loop.create_datagram_endpoint(
        _Collector, family=socket.AF_INET, local_addr=(local, 0)
    )
    try:
        if address.is_multicast:
            sock = transport.get_extra_info("socket")
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
        transport.sendto(GDM_REQUEST, target)
        await asyncio.sleep(duration)
    finally:
        transport.close()
    return list(collector.servers.values())
