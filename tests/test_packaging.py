"""Packaging: what hassfest, the HACS action and the Marketplace check, checked offline.

hacs.json and manifest.json against the conventions HACS and hassfest enforce, the
consistency of services.yaml, icons.json, translations/en.json and the code, and the
brand images' sizes.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
import re
from typing import Any

from PIL import Image
import pytest
import yaml

from custom_components.plex_activities.const import KNOWN_ACTIVITY_TYPES

ROOT = Path(__file__).resolve().parent.parent
INTEGRATION = ROOT / "custom_components" / "plex_activities"

# hacs/integration's HACS_MANIFEST_JSON_SCHEMA is strict: no other keys.
HACS_KEYS = {
    "name",
    "content_in_root",
    "country",
    "filename",
    "hacs",
    "hide_default_branch",
    "homeassistant",
    "persistent_directory",
    "render_readme",
    "zip_release",
}
MANIFEST_REQUIRED = {
    "domain",
    "name",
    "codeowners",
    "config_flow",
    "documentation",
    "integration_type",
    "iot_class",
    "issue_tracker",
    "version",
}
IOT_CLASSES = {
    "assumed_state",
    "calculated",
    "cloud_polling",
    "cloud_push",
    "local_polling",
    "local_push",
}
INTEGRATION_TYPES = {
    "device",
    "entity",
    "hardware",
    "helper",
    "hub",
    "service",
    "system",
}
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$")
HA_VERSION = re.compile(r"^20\d\d\.(1[0-2]|[1-9])\.\d+(b\d+)?$")


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    """Return manifest.json."""
    return dict(_json(INTEGRATION / "manifest.json"))


@pytest.fixture(scope="module")
def strings() -> dict[str, Any]:
    """Return translations/en.json."""
    return dict(_json(INTEGRATION / "translations" / "en.json"))


def test_hacs_json() -> None:
    """hacs.json has a name, only known keys, and a minimum HA matching the floor."""
    hacs = _json(ROOT / "hacs.json")
    assert hacs["name"]
    assert set(hacs) <= HACS_KEYS
    assert HA_VERSION.match(hacs["homeassistant"])
    assert "zip_release" not in hacs or "filename" in hacs
    floor = (ROOT / "requirements_test_floor.txt").read_text(encoding="utf-8")
    assert f"Home Assistant {hacs['homeassistant']}" in floor


def test_one_integration_directory() -> None:
    """HACS wants exactly one directory under custom_components/."""
    dirs = [
        p
        for p in (ROOT / "custom_components").iterdir()
        if p.is_dir() and p.name != "__pycache__"
    ]
    assert [p.name for p in dirs] == ["plex_activities"]


def test_manifest_keys(manifest: dict[str, Any]) -> None:
    """Required keys present; hassfest's order: domain, name, then alphabetical."""
    assert set(manifest) >= MANIFEST_REQUIRED
    keys = list(manifest)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])


def test_manifest_values(manifest: dict[str, Any]) -> None:
    """Values HACS, hassfest and the Marketplace accept."""
    assert manifest["domain"] == INTEGRATION.name
    assert re.fullmatch(r"[a-z0-9_]+", manifest["domain"])
    assert SEMVER.match(manifest["version"])
    assert manifest["iot_class"] in IOT_CLASSES
    assert manifest["integration_type"] in INTEGRATION_TYPES
    assert manifest["config_flow"] is True
    assert (INTEGRATION / "config_flow.py").exists()
    assert manifest["codeowners"]
    assert all(owner.startswith("@") for owner in manifest["codeowners"])
    for key in ("documentation", "issue_tracker"):
        assert manifest[key].startswith("https://")
    assert not manifest["documentation"].startswith(
        "https://www.home-assistant.io/integrations"
    )
    # No third-party requirements: everything comes with Home Assistant itself
    # (voluptuous in particular is Home Assistant's probatio alias since 2026.9).
    requirements = manifest.get("requirements", [])
    assert requirements == []
    assert not any("voluptuous" in r.lower() for r in requirements)


def test_project_version_matches(manifest: dict[str, Any]) -> None:
    """pyproject.toml and manifest.json carry the same version."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'version = "{manifest["version"]}"' in pyproject


def test_services_translated(strings: dict[str, Any]) -> None:
    """Every action and every field has a translated name and description."""
    services = yaml.safe_load(
        (INTEGRATION / "services.yaml").read_text(encoding="utf-8")
    )
    icons = _json(INTEGRATION / "icons.json")
    assert set(icons.get("services", {})) == set(services)
    for service, spec in services.items():
        text = strings["services"][service]
        assert text["name"]
        assert text["description"]
        for field in (spec or {}).get("fields", {}):
            assert text["fields"][field]["name"], f"{service}.{field} has no name"
            assert text["fields"][field]["description"], f"{service}.{field}"
        assert set(text.get("fields", {})) == set((spec or {}).get("fields", {}))


def _string_constants(tree: ast.AST) -> dict[str, str]:
    return {
        target.id: node.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign | ast.AnnAssign)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    }


def _translation_keys_in_code() -> tuple[set[str], set[str]]:
    """Return (entity keys, exception/issue keys) the code passes as literals."""
    entity_keys: set[str] = set()
    other_keys: set[str] = set()
    for path in INTEGRATION.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = _string_constants(tree)
        for node in ast.walk(tree):
            # The actions' helpers: translated(ErrorClass, "key", ...), _unknown("key")
            position = {"translated": 1, "_unknown": 0}.get(
                getattr(getattr(node, "func", None), "id", ""), -1
            )
            if (
                isinstance(node, ast.Call)
                and 0 <= position < len(node.args)
                and isinstance(key := node.args[position], ast.Constant)
                and isinstance(key.value, str)
            ):
                other_keys.add(key.value)
            if isinstance(node, ast.keyword) and node.arg == "translation_key":
                value = node.value
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    other_keys.add(value.value)
                elif isinstance(value, ast.Name) and value.id in constants:
                    other_keys.add(constants[value.id])
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name | ast.Attribute)
                and getattr(t, "id", getattr(t, "attr", "")) == "_attr_translation_key"
                for t in node.targets
            ):
                value = node.value
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    entity_keys.add(value.value)
    return entity_keys, other_keys


def test_translation_keys_used_in_code_exist(strings: dict[str, Any]) -> None:
    """Every translation key the code uses has an entry in translations/en.json."""
    entity_keys, other_keys = _translation_keys_in_code()
    entity_strings = strings["entity"]
    all_entity_keys = {key for platform in entity_strings.values() for key in platform}
    # Sensors pick their key from the activity type (with "activity" as the fallback).
    sensor_keys = {*KNOWN_ACTIVITY_TYPES.values(), "activity"}
    assert sensor_keys <= set(entity_strings["sensor"])
    assert entity_keys <= all_entity_keys, entity_keys - all_entity_keys
    known = set(strings["exceptions"]) | set(strings.get("issues", {}))
    # UpdateFailed keys chosen at run time share the exception table.
    assert other_keys <= known, other_keys - known
    for key in ("cannot_connect", "invalid_auth", "ssl_error", "invalid_response"):
        assert key in strings["exceptions"]


def test_config_flow_errors_translated(strings: dict[str, Any]) -> None:
    """Every form error and abort reason in the config flow has a message."""
    source = (INTEGRATION / "config_flow.py").read_text(encoding="utf-8")
    errors = set(re.findall(r'error = "(\w+)"', source))
    errors |= set(re.findall(r'errors\[[A-Z_]+\] = "(\w+)"', source))
    assert errors
    assert errors <= set(strings["config"]["error"]), errors - set(
        strings["config"]["error"]
    )
    aborts = set(strings["config"]["abort"])
    assert {"already_configured", "unique_id_mismatch"} <= aborts


def test_icons_match_translations(strings: dict[str, Any]) -> None:
    """Every entity with an icon has a translation, and the other way round."""
    icons = _json(INTEGRATION / "icons.json")
    for platform, keys in icons["entity"].items():
        assert set(keys) == set(strings["entity"][platform]), platform
        for key, icon in keys.items():
            assert icon["default"].startswith("mdi:"), key


@pytest.mark.parametrize(
    ("name", "sizes"),
    [
        ("icon.png", [(256, 256)]),
        ("icon@2x.png", [(512, 512)]),
        ("logo.png", None),
        ("logo@2x.png", None),
    ],
)
def test_brand_images(name: str, sizes: list[tuple[int, int]] | None) -> None:
    """Brand images as the brands README specifies: PNG, sizes, transparency."""
    path = INTEGRATION / "brand" / name
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.mode == "RGBA"
        if sizes is not None:
            assert image.size in sizes
        else:
            low, high = (256, 512) if "@2x" in name else (128, 256)
            assert low <= min(image.size) <= high
        # Transparent corners: no square background.
        assert image.getpixel((0, 0))[3] == 0
