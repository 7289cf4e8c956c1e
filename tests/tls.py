"""A self-signed TLS certificate for serving the simulator over https in tests."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
import ipaddress
import ssl
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

if TYPE_CHECKING:
    import asyncio
    from collections.abc import Iterator
    from pathlib import Path

LOOPBACK = "127.0.0.1"
# What asyncio reports when a TLS server's handshake with a client fails.
_FAILED_ACCEPT = "Error on transport creation for incoming connection"


def self_signed_server_context(directory: Path, host: str = LOOPBACK) -> ssl.SSLContext:
    """Write a self-signed certificate for the IP address `host` and return a server context.

    No client trusts the certificate, so verifying it fails; without verification
    the connection works.
    """
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file = directory / "server.crt"
    key_file = directory / "server.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context


@contextmanager
def tolerate_failed_handshakes(loop: asyncio.AbstractEventLoop) -> Iterator[None]:
    """Drop asyncio's report of a TLS handshake that the client aborted.

    A client that rejects the certificate closes the connection mid-handshake; the
    server's side of it, on the same loop, goes to the loop's exception handler,
    which the `hass` fixture turns into a test failure. Everything else still does.
    """
    handler = loop.get_exception_handler()

    def filtered(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if context.get("message") == _FAILED_ACCEPT and isinstance(
            context.get("exception"), ConnectionError | ssl.SSLError
        ):
            return
        if handler is None:
            loop.default_exception_handler(context)
        else:
            handler(loop, context)

    loop.set_exception_handler(filtered)
    try:
        yield
    finally:
        loop.set_exception_handler(handler)
