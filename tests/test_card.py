"""The dashboard card: served by Home Assistant and loaded as an extra frontend module."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import TYPE_CHECKING
from unittest.mock import AsyncMock, Mock

from homeassistant.components.frontend import DATA_EXTRA_MODULE_URL, UrlManager
from homeassistant.setup import async_setup_component

from custom_components.plex_activities import card
from custom_components.plex_activities.card import (
    CARD_PATH,
    CARD_URL,
    DATA_CARD_URL,
    async_register_card,
    card_version,
)
from custom_components.plex_activities.const import DOMAIN

if TYPE_CHECKING:
    from pathlib import Path

    from homeassistant.core import HomeAssistant
    import pytest
    from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

EXPECTED_URL = f"{CARD_URL}?v={hashlib.sha256(CARD_PATH.read_bytes()).hexdigest()[:12]}"


def fake_frontend(hass: HomeAssistant) -> UrlManager:
    """Make the frontend look loaded: its list of extra modules, without its assets."""
    hass.config.components.add("frontend")
    manager = UrlManager(lambda _change, _url: None, [])
    hass.data[DATA_EXTRA_MODULE_URL] = manager
    return manager


def test_card_is_shipped() -> None:
    """The built module is in the package, under the URL's file name."""
    assert CARD_PATH.is_file()
    assert CARD_URL == "/plex_activities/plex-activities-card.js"
    assert b"plex-activities-card" in CARD_PATH.read_bytes()


def test_card_version_follows_the_content(tmp_path: Path) -> None:
    """The cache buster is a hash of the content; a missing file has none."""
    module = tmp_path / "card.js"
    module.write_text("one", encoding="utf-8")
    first = card_version(module)
    module.write_text("two", encoding="utf-8")
    assert first is not None
    assert len(first) == 12
    assert card_version(module) not in {None, first}
    assert card_version(tmp_path / "missing.js") is None


def test_manifest_orders_after_http_and_frontend() -> None:
    """The HTTP server and the frontend are set up first when present, but are not required."""
    manifest = json.loads(
        (CARD_PATH.parent.parent / "manifest.json").read_text(encoding="utf-8")
    )
    assert set(manifest["after_dependencies"]) == {"frontend", "http"}
    assert "http" not in manifest.get("dependencies", [])


async def test_skipped_without_http(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """A Home Assistant without an HTTP server (like this test suite) skips the card."""
    assert "http" not in hass.config.components
    await async_register_card(hass)
    assert DATA_CARD_URL not in hass.data
    assert "the card is not served" in caplog.text


async def test_served_and_loaded(
    hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator
) -> None:
    """The module is served with long caching and added once to the frontend's modules."""
    assert await async_setup_component(hass, "http", {})
    manager = fake_frontend(hass)

    await async_register_card(hass)
    await async_register_card(hass)  # a second call changes nothing

    assert manager.urls == frozenset({EXPECTED_URL})
    assert hass.data[DATA_CARD_URL] == EXPECTED_URL
    client = await hass_client_no_auth()
    response = await client.get(EXPECTED_URL)
    assert response.status == 200
    assert await response.read() == CARD_PATH.read_bytes()
    assert "javascript" in response.headers["Content-Type"]
    assert "max-age" in response.headers.get("Cache-Control", "")


async def test_served_without_frontend(
    hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator
) -> None:
    """Without the frontend the module is still served (for a manual resource)."""
    assert await async_setup_component(hass, "http", {})
    await async_register_card(hass)
    assert hass.data[DATA_CARD_URL] == EXPECTED_URL
    assert DATA_EXTRA_MODULE_URL not in hass.data
    client = await hass_client_no_auth()
    assert (await client.get(CARD_URL)).status == 200


async def test_missing_module_is_reported(
    hass: HomeAssistant,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """A broken installation without the module logs a warning and registers nothing."""
    monkeypatch.setattr(card, "CARD_PATH", tmp_path / "missing.js")
    hass.config.components.add("http")
    register = AsyncMock()
    monkeypatch.setattr(hass, "http", Mock(async_register_static_paths=register))
    manager = fake_frontend(hass)
    with caplog.at_level(logging.WARNING):
        await async_register_card(hass)
    register.assert_not_called()
    assert manager.urls == frozenset()
    assert "dashboard card is missing" in caplog.text
    await async_register_card(hass)  # not retried in the same run
    register.assert_not_called()


async def test_integration_setup_registers_the_card(hass: HomeAssistant) -> None:
    """Setting up the integration registers the card, with no entry configured yet."""
    assert await async_setup_component(hass, "http", {})
    manager = fake_frontend(hass)
    assert await async_setup_component(hass, DOMAIN, {})
    await hass.async_block_till_done()
    assert manager.urls == frozenset({EXPECTED_URL})
