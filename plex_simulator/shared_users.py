"""Users a server is shared with: each sees, and may cancel, only their own activities.

Plex's API documentation: an administrator (the owner's token) sees every activity in
``GET /activities`` and may cancel any; other users see only the activities they started
and may cancel only those. The owner's token keeps working exactly as before; a shared
user's token (the ``accessToken`` plex.tv lists for a server shared with the account,
see ``plex_simulator.plextv``) gets:

* ``GET /activities`` and the ``activity`` notifications (websocket and EventSource)
  with only the activities whose ``userID`` is that user's account id;
* ``DELETE /activities/{uuid}`` of its own activity: cancelled as for the owner;
  of someone else's: ``refusal_status``;
* the server root, the library list and the notification channels as the owner does;
  every other route (scans, butler tasks: the administrator's) ``refusal_status``.

Which status Plex answers a non-administrator is not documented. ``refusal_status`` is
403 by default (the status HTTP has for "not allowed"), and can be set to 401 (what Plex
answers a token it does not accept at all) or 404 (Plex hiding someone else's activity
as though it did not exist); clients must cope with all three.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from collections.abc import Mapping

# What a shared user may use besides cancelling its own activities.
_SHARED_ROUTES: Final = frozenset(
    {
        ("GET", "/"),
        ("GET", "/activities"),
        ("GET", "/library/sections"),
        ("GET", "/:/websockets/notifications"),
        ("GET", "/:/eventsource/notifications"),
    }
)
_ACTIVITY_PREFIX: Final = "/activities/"


class SharedUsers:
    """The tokens of the users a server is shared with, and what they may do.

    Attributes:
        refusal_status: What a shared user gets for what only the owner may do.
    """

    def __init__(self) -> None:
        """Start with a server shared with nobody."""
        self._users: dict[str, int] = {}
        self.refusal_status: int = 403

    def add(self, token: str, user_id: int) -> None:
        """Share the server with the account ``user_id``, whose token is ``token``."""
        self._users[token] = user_id

    def remove(self, token: str) -> None:
        """Stop sharing with the user of ``token``; the token is then a wrong one.

        ``PlexSimulator.stop_sharing`` also closes the user's notification channels.
        """
        self._users.pop(token, None)

    def user_of(self, token: str | None) -> int | None:
        """Return the account id of a shared user's token, None for any other token."""
        return None if token is None else self._users.get(token)

    def allows(self, method: str, path: str) -> bool:
        """Tell whether a shared user may make this request at all."""
        if method == "DELETE" and path.startswith(_ACTIVITY_PREFIX):
            return True
        return (method, path) in _SHARED_ROUTES

    @staticmethod
    def sees(user_id: int | None, activity: Mapping[str, Any]) -> bool:
        """Tell whether a user (None: the owner) sees an activity."""
        return user_id is None or activity.get("userID") == user_id

    def entries_for(
        self, token: str, notification_type: str, entries: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Return the notification entries the holder of ``token`` receives.

        Only ``activity`` notifications are per user; the owner gets all of them.
        """
        user_id = self.user_of(token)
        if user_id is None or notification_type != "activity":
            return entries
        return [
            entry for entry in entries if self.sees(user_id, entry.get("Activity", {}))
        ]
