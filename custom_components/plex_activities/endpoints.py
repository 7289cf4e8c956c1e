"""Where plex.tv, its sign-in page and GDM's multicast group are.

`ACTIVE` holds Plex's real addresses. It is deliberately not an option, a YAML key, a
config entry field or an environment variable: nothing a user configures can point the
integration (and its account token) anywhere else. Only Python code running inside Home
Assistant's process can replace it, and exactly two places do so, both outside the
shipped integration: the test fixtures (`tests/conftest.py`), which point it at the
loopback stand-ins, and the demo's launcher (`scripts/demo_hass.py`, used by
`scripts/run.sh` and the headless check), which sets it before Home Assistant starts.
That keeps every packet of the tests and the demo on loopback.
"""

from __future__ import annotations

from dataclasses import dataclass

from .api import GDM_ADDRESS, PLEX_AUTH_APP_URL, PLEX_TV_URL


@dataclass(frozen=True, slots=True, kw_only=True)
class PlexEndpoints:
    """plex.tv's API, its sign-in page, and where GDM searches go (None: no GDM)."""

    plextv_url: str = PLEX_TV_URL
    auth_app_url: str = PLEX_AUTH_APP_URL
    gdm_target: tuple[str, int] | None = GDM_ADDRESS


ACTIVE: PlexEndpoints = PlexEndpoints()


def plex_endpoints() -> PlexEndpoints:
    """Return the endpoints in use (Plex's own outside tests and the demo)."""
    return ACTIVE
