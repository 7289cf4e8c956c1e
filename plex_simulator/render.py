"""Turn payloads into HTTP responses: JSON, XML (the Plex default) or HTML errors."""

from __future__ import annotations

from collections.abc import Mapping
import json
from typing import Any
from xml.etree import ElementTree as ET

from aiohttp import web

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
XML_CONTENT_TYPE = "text/xml"
JSON_CONTENT_TYPE = "application/json"
HTML_CONTENT_TYPE = "text/html"

# Every Plex Media Server response carries this header.
PROTOCOL_HEADERS: Mapping[str, str] = {"X-Plex-Protocol": "1.0"}

# The body of a Plex Media Server 401, byte for byte (Content-Length 91).
UNAUTHORIZED_BODY = (
    "<html><head><title>Unauthorized</title></head>"
    "<body><h1>401 Unauthorized</h1></body></html>"
)

_REASONS: Mapping[int, str] = {
    302: "Found",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    498: "Token Expired",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def dumps(document: Any) -> str:
    """Serialise JSON compactly, the way Plex Media Server writes it.

    Args:
        document: A JSON-ready value.

    Returns:
        The JSON text.
    """
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def _attribute(value: Any) -> str:
    """Format one scalar as an XML attribute value (booleans as 0/1)."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _element(tag: str, content: Mapping[str, Any]) -> ET.Element:
    """Build an element: scalars become attributes, objects and lists children."""
    element = ET.Element(tag)
    children: list[ET.Element] = []
    for key, value in content.items():
        if isinstance(value, Mapping):
            children.append(_element(key, value))
        elif isinstance(value, list):
            children.extend(
                _element(key, item) for item in value if isinstance(item, Mapping)
            )
        elif value is not None:
            element.set(key, _attribute(value))
    element.extend(children)
    return element


def to_xml(document: Mapping[str, Any]) -> str:
    """Render a JSON-shaped Plex document as Plex-style XML.

    ``{"MediaContainer": {"size": 1, "Activity": [{..., "Context": {...}}]}}``
    becomes ``<MediaContainer size="1"><Activity ...><Context .../></Activity>
    </MediaContainer>`` with an XML declaration in front.

    Args:
        document: A mapping with exactly one root key.

    Returns:
        The XML text.
    """
    ((root_tag, content),) = document.items()
    root = _element(root_tag, content)
    return XML_DECLARATION + ET.tostring(root, encoding="unicode")


def wants_json(request: web.Request) -> bool:
    """Tell whether the client asked for JSON with its ``Accept`` header."""
    return any(
        JSON_CONTENT_TYPE in value.lower()
        for value in request.headers.getall("Accept", [])
    )


def container_response(
    request: web.Request, document: Mapping[str, Any]
) -> web.Response:
    """Answer with a document as JSON or XML, whichever the client asked for.

    Args:
        request: The request being answered.
        document: The JSON-shaped payload.

    Returns:
        The response.
    """
    if wants_json(request):
        return web.Response(
            text=dumps(document),
            content_type=JSON_CONTENT_TYPE,
            charset="utf-8",
            headers=PROTOCOL_HEADERS,
        )
    return web.Response(
        text=to_xml(document),
        content_type=XML_CONTENT_TYPE,
        charset="utf-8",
        headers=PROTOCOL_HEADERS,
    )


def html_error_body(status: int) -> str:
    """Return the small HTML page Plex sends with an error status.

    Args:
        status: The HTTP status code.

    Returns:
        The HTML text.
    """
    if status == 401:
        return UNAUTHORIZED_BODY
    reason = _REASONS.get(status, "Error")
    return (
        f"<html><head><title>{reason}</title></head>"
        f"<body><h1>{status} {reason}</h1></body></html>"
    )


def html_response(
    status: int, body: str | None = None, headers: Mapping[str, str] | None = None
) -> web.Response:
    """Answer with an HTML body, like Plex does for errors and empty successes.

    Args:
        status: The HTTP status code.
        body: The body; the standard error page of ``status`` when omitted.
        headers: Headers besides Plex's protocol header.

    Returns:
        The response.
    """
    return web.Response(
        status=status,
        text=html_error_body(status) if body is None else body,
        content_type=HTML_CONTENT_TYPE,
        headers={**PROTOCOL_HEADERS, **(headers or {})},
    )
