"""Typed models of what plex.tv tells about a sign-in PIN and an account's servers.

plex.tv answers JSON when asked (`Accept: application/json`); the parsers accept the
variants the API documents (ids as numbers or strings, optional fields missing or null)
and reject only what cannot be used at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from .exceptions import PlexInvalidResponseError
from .fields import as_bool, as_id, as_int, as_text

# plex.tv's documented default lifetime of a PIN; a strong PIN's own is not documented.
DEFAULT_PIN_LIFETIME = 900


@dataclass(frozen=True, slots=True, kw_only=True)
class PlexPin:
    """A sign-in PIN: its id (to poll), its code (for the browser) and, once claimed, a token."""

    id: str
    code: str
    expires_in: int
    auth_token: str | None

    def __repr__(self) -> str:
        """Name the PIN without its code or token."""
        return f"PlexPin(id={self.id!r}, claimed={self.auth_token is not None})"

    @classmethod
    def from_json(cls, data: Any) -> PlexPin:
        """Build the PIN from plex.tv's `pins` answer."""
        if not isinstance(data, Mapping):
            raise PlexInvalidResponseError("the PIN answer is not an object")
        pin_id = as_id(data.get("id"))
        code = as_text(data.get("code"))
        if pin_id is None or not code:
            raise PlexInvalidResponseError("the PIN answer has no id or code")
        expires_in = as_int(data.get("expiresIn"))
        return cls(
            id=pin_id,
            code=code,
            expires_in=DEFAULT_PIN_LIFETIME if expires_in is None else expires_in,
            auth_token=as_text(data.get("authToken")) or None,
        )


class ConnectionKind(IntEnum):
    """How a connection reaches a server, best first (the order the probe prefers)."""

    LOCAL_HTTPS = 0
    LOCAL_HTTP = 1
    REMOTE_HTTPS = 2
    REMOTE_HTTP = 3
    RELAY = 4


@dataclass(frozen=True, slots=True, kw_only=True)
class PlexConnection:
    """One way plex.tv knows to reach a server."""

    uri: str
    protocol: str
    address: str
    port: int
    local: bool
    relay: bool

    @property
    def kind(self) -> ConnectionKind:
        """Return where this connection leads, for the probe's preference."""
        if self.relay:
            return ConnectionKind.RELAY
        https = self.protocol == "https"
        if self.local:
            return ConnectionKind.LOCAL_HTTPS if https else ConnectionKind.LOCAL_HTTP
        return ConnectionKind.REMOTE_HTTPS if https else ConnectionKind.REMOTE_HTTP

    @classmethod
    def from_json(cls, data: Any) -> PlexConnection | None:
        """Build a connection; None if it has no usable http(s) URI."""
        if not isinstance(data, Mapping):
            return None
        uri = as_text(data.get("uri")).rstrip("/")
        protocol = as_text(data.get("protocol")).lower()
        if protocol not in ("http", "https") or not uri.startswith(f"{protocol}://"):
            return None
        return cls(
            uri=uri,
            protocol=protocol,
            address=as_text(data.get("address")),
            port=as_int(data.get("port")) or 0,
            local=as_bool(data.get("local")),
            relay=as_bool(data.get("relay")),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PlexResource:
    """A Plex Media Server the account can use, owned or shared with it."""

    name: str
    machine_identifier: str
    owned: bool
    owner: str
    access_token: str
    connections: tuple[PlexConnection, ...]

    def __repr__(self) -> str:
        """Name the server without its access token."""
        return f"PlexResource(name={self.name!r}, owned={self.owned})"

    @classmethod
    def from_json(cls, data: Any) -> PlexResource | None:
        """Build a server resource; None for players, clients and unusable entries."""
        if not isinstance(data, Mapping):
            return None
        provides = as_text(data.get("provides")).split(",")
        machine_identifier = as_id(data.get("clientIdentifier"))
        if "server" not in provides or machine_identifier is None:
            return None
        connections = data.get("connections")
        return cls(
            name=as_text(data.get("name")) or "Plex Media Server",
            machine_identifier=machine_identifier,
            owned=as_bool(data.get("owned")),
            owner=as_text(data.get("sourceTitle")),
            access_token=as_text(data.get("accessToken")),
            connections=tuple(
                connection
                for entry in (connections if isinstance(connections, list) else [])
                if (connection := PlexConnection.from_json(entry)) is not None
            ),
        )


def parse_resources(data: Any) -> list[PlexResource]:
    """Parse plex.tv's `resources` answer (a JSON array) into the servers it lists."""
    if not isinstance(data, list):
        raise PlexInvalidResponseError("the resources answer is not a list")
    return [
        resource
        for entry in data
        if (resource := PlexResource.from_json(entry)) is not None
    ]
