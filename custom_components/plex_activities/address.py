"""What the user typed as a server's address, made into `scheme://host[:port]`."""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import urlsplit

from .const import DEFAULT_PORT

# A DNS name or an IPv4 address (urlsplit lower-cases the host).
_HOST_NAME: Final = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?")


class InvalidUrlError(ValueError):
    """The server address is not an http(s) address of a server."""


def normalize_url(value: str) -> str:
    """Return `scheme://host[:port]` for what the user typed as the server's address.

    A bare host (name, IPv4, `[IPv6]`, optionally with `:port`) gets `http://`; plain
    http without a port gets Plex's port 32400. Credentials, a path, a query or a
    fragment are refused, since the integration would silently drop them.

    Raises:
        InvalidUrlError: The value is not such an address.
    """
    text = value.strip()
    if "://" not in text:
        text = f"http://{text}"
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as err:
        raise InvalidUrlError(str(err)) from None
    if parts.scheme not in ("http", "https"):
        raise InvalidUrlError("only http and https are supported")
    if "@" in parts.netloc:
        raise InvalidUrlError("the address must not contain credentials")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise InvalidUrlError("the address must not have a path, query or fragment")
    host = parts.hostname or ""
    if ":" in host:  # urlsplit has checked that a bracketed host is an IPv6 address
        host = f"[{host}]"
    elif not _HOST_NAME.fullmatch(host):
        raise InvalidUrlError("the address has no valid host")
    if port == 0:
        raise InvalidUrlError("port 0 is not a valid port")
    if port is None and parts.scheme == "http":
        port = DEFAULT_PORT
    return f"{parts.scheme}://{host}" + ("" if port is None else f":{port}")
