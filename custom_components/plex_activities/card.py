"""Serve the integration's dashboard card and load it in every Home Assistant frontend.

The card (``custom:plex-activities-card``) is built from ``frontend/`` in the repository
into one ES module shipped in this package's ``frontend/`` folder. Home Assistant serves it
from ``/plex_activities/plex-activities-card.js`` and loads it as an extra module, so the
card shows up in the card picker right after the integration is installed; no Lovelace
resource has to be added by hand.

``http`` and ``frontend`` are ``after_dependencies`` of the integration, not dependencies:
when Home Assistant runs them (every real installation does), they are set up first and
the card is registered; where they do not run (a headless instance, the test suite), the
card is skipped and the integration works all the same.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Final

from homeassistant.components.frontend import add_extra_js_url

# Defined in http.server; the package re-exports it without marking it public.
from homeassistant.components.http.server import StaticPathConfig
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN, LOGGER

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

CARD_FILENAME: Final = "plex-activities-card.js"
CARD_PATH: Final = Path(__file__).parent / "frontend" / CARD_FILENAME
CARD_URL: Final = f"/{DOMAIN}/{CARD_FILENAME}"

# The URL the card was registered with (with its ?v= cache buster), once per run.
DATA_CARD_URL: HassKey[str | None] = HassKey(f"{DOMAIN}_card_url")


def card_version(path: Path) -> str | None:
    """Return a short hash of the card module's content, or None when it is missing."""
    try:
        content = path.read_bytes()
    except OSError:
        return None
    return hashlib.sha256(content).hexdigest()[:12]


async def async_register_card(hass: HomeAssistant) -> None:
    """Serve the card and add it to the frontend's extra modules (once per run)."""
    if DATA_CARD_URL in hass.data:
        return
    if "http" not in hass.config.components:
        LOGGER.debug("No HTTP server in this Home Assistant: the card is not served")
        return
    hass.data[DATA_CARD_URL] = None  # claimed before awaiting: registered only once
    version = await hass.async_add_executor_job(card_version, CARD_PATH)
    if version is None:
        LOGGER.warning(
            "The dashboard card is missing from the installation (%s); "
            "reinstall the integration to use custom:plex-activities-card",
            CARD_PATH,
        )
        return
    # The file name stays; the query changes with the content, so browsers cache the
    # module for long and still load a new one after an update.
    await hass.http.async_register_static_paths(
        [StaticPathConfig(CARD_URL, str(CARD_PATH), cache_headers=True)]
    )
    url = f"{CARD_URL}?v={version}"
    hass.data[DATA_CARD_URL] = url
    if "frontend" in hass.config.components:
        add_extra_js_url(hass, url)
        LOGGER.debug("Dashboard card registered at %s", url)
    else:
        LOGGER.debug("No frontend loaded: the card is served at %s only", url)
