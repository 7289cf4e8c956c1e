"""How this integration introduces itself to Plex Media Server and to plex.tv."""

from __future__ import annotations


def plex_headers(
    client_identifier: str, product: str, version: str, device_name: str
) -> dict[str, str]:
    """Return the `X-Plex-*` headers (and JSON `Accept`) of every request; no token."""
    return {
        "Accept": "application/json",
        "X-Plex-Client-Identifier": client_identifier,
        "X-Plex-Product": product,
        "X-Plex-Version": version,
        "X-Plex-Device-Name": device_name,
    }
