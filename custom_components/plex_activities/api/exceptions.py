"""Exceptions raised by the Plex activities client.

No message built here ever contains the token: messages name the server URL (which never
carries credentials) and the HTTP status at most.
"""

from __future__ import annotations


class PlexError(Exception):
    """Base class for every error of the Plex client."""


class PlexConnectionError(PlexError):
    """The server could not be reached or the connection broke."""


class PlexTimeoutError(PlexConnectionError):
    """The server did not answer within the request timeout."""


class PlexSSLError(PlexConnectionError):
    """The server's TLS certificate could not be verified."""


class PlexRateLimitedError(PlexConnectionError):
    """plex.tv asks to slow down (HTTP 429).

    Attributes:
        retry_after: Seconds to wait before the next request, when plex.tv says.
    """

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        """Keep how long plex.tv asks to wait (its `Retry-After`), if it says."""
        super().__init__(message)
        self.retry_after = retry_after


class PlexChannelRefusedError(PlexConnectionError):
    """A notification channel was refused with an HTTP answer.

    Typically a reverse proxy in front of Plex: the server itself may be fine (REST
    still works), so this is no reason to poll it.
    """


class PlexWebsocketRefusedError(PlexChannelRefusedError):
    """The websocket handshake got an HTTP answer other than an upgrade.

    Typically a reverse proxy that does not pass websocket upgrades on.
    """


class PlexEventSourceRefusedError(PlexChannelRefusedError):
    """The EventSource request got an HTTP answer other than 200."""


class PlexAuthenticationError(PlexError):
    """The token was rejected, revoked or expired (HTTP 401, 403 or 498)."""


class PlexNotAllowedError(PlexError):
    """The token is fine but its user may not do this (HTTP 401 or 403).

    E.g. cancelling someone else's activity on a server shared with the user: Plex lets
    a user who is not the server's administrator cancel only their own activities.
    """


class PlexNotFoundError(PlexError):
    """The requested object does not exist (HTTP 404), e.g. an activity that ended."""


class PlexNotCancellableError(PlexError):
    """The activity cannot be cancelled (HTTP 400 on DELETE)."""


class PlexInvalidResponseError(PlexError):
    """The server answered with something that is not the expected JSON shape."""


class PlexRedirectError(PlexInvalidResponseError):
    """The address redirects elsewhere (a proxy's sign-in page); it is not followed."""
