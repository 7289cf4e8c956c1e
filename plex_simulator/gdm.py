"""A GDM responder: answers Plex's discovery search like Plex Media Servers do.

Real servers listen on 239.0.0.250:32414; this one listens on a loopback port (tests and
the demo send their search there instead) and answers ``M-SEARCH * HTTP/1.0`` with one
``HTTP/1.0 200 OK`` datagram per simulated server, carrying ``Content-Type:
plex/media-server``, ``Resource-Identifier``, ``Name``, ``Port``, ``Updated-At`` and
``Version``, from the address the search was sent to.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
import time


@dataclass(kw_only=True)
class GdmEntry:
    """One server that answers the search."""

    machine_identifier: str
    name: str
    port: int
    version: str = "1.43.0.10000-simulated"

    def reply(self) -> bytes:
        """Return the server's answer datagram."""
        lines = [
            "HTTP/1.0 200 OK",
            "Content-Type: plex/media-server",
            f"Resource-Identifier: {self.machine_identifier}",
            f"Name: {self.name}",
            f"Port: {self.port}",
            f"Updated-At: {int(time.time())}",
            f"Version: {self.version}",
        ]
        return ("\r\n".join(lines) + "\r\n").encode()


@dataclass(kw_only=True)
class GdmResponder(asyncio.DatagramProtocol):
    """Answers GDM searches on a loopback UDP port.

    Attributes:
        servers: The servers that answer; change it at any time.
        searches: How many searches arrived.
    """

    host: str = "127.0.0.1"
    port: int = 0
    servers: list[GdmEntry] = field(default_factory=list)
    searches: int = 0
    _transport: asyncio.DatagramTransport | None = None

    @property
    def address(self) -> tuple[str, int]:
        """Return where to send the search."""
        return (self.host, self.port)

    async def start(self) -> None:
        """Bind the UDP port (a free one when 0)."""
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(
            lambda: self, local_addr=(self.host, self.port)
        )
        self._transport = transport
        self.port = transport.get_extra_info("sockname")[1]

    async def stop(self) -> None:
        """Close the port; calling it twice is fine."""
        transport, self._transport = self._transport, None
        if transport is not None:
            transport.close()

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        """Answer a search; ignore anything else."""
        if not data.startswith(b"M-SEARCH * HTTP/1."):
            return
        self.searches += 1
        assert self._transport is not None  # noqa: S101 - only called while bound
        for server in self.servers:
            self._transport.sendto(server.reply(), addr)
