"""quality_scale.yaml stays true: every rule is listed, and each claim has its evidence.

A rule marked ``done`` must show its evidence in the code, the translations, the tests or
the README (a reauth step, a diagnostics module, icons by translation key, mypy strict,
...); an ``exempt`` rule must still be exempt where that can be checked (no options flow,
no discovery, no entity category, ...). Change the file when the integration changes.
"""

from __future__ import annotations

import ast
from datetime import timedelta
import importlib
import inspect
import json
from pathlib import Path
import re
import tomllib
from typing import TYPE_CHECKING, Any

from homeassistant import config_entries
from homeassistant.config_entries import ConfigFlow
from homeassistant.const import Platform
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.update_coordinator import (
    CoordinatorEntity,
    DataUpdateCoordinator,
)
import pytest
import yaml

import custom_components.plex_activities as integration

if TYPE_CHECKING:
    from collections.abc import Callable

ROOT = Path(__file__).resolve().parent.parent
INTEGRATION = ROOT / "custom_components" / "plex_activities"
PACKAGE = "custom_components.plex_activities"

# Home Assistant's rules, bronze to platinum (developer docs, tiers.json).
RULES_BY_TIER = {
    "bronze": {
        "action-setup",
        "appropriate-polling",
        "brands",
        "common-modules",
        "config-flow-test-coverage",
        "config-flow",
        "dependency-transparency",
        "docs-actions",
        "docs-high-level-description",
        "docs-installation-instructions",
        "docs-removal-instructions",
        "docs-triggers",
        "docs-conditions",
        "entity-event-setup",
        "entity-unique-id",
        "has-entity-name",
        "runtime-data",
        "test-before-configure",
        "test-before-setup",
        "unique-config-entry",
    },
    "silver": {
        "action-exceptions",
        "config-entry-unloading",
        "docs-configuration-parameters",
        "docs-installation-parameters",
        "entity-unavailable",
        "integration-owner",
        "log-when-unavailable",
        "parallel-updates",
        "reauthentication-flow",
        "test-coverage",
    },
    "gold": {
        "devices",
        "diagnostics",
        "discovery-update-info",
        "discovery",
        "docs-data-update",
        "docs-examples",
        "docs-known-limitations",
        "docs-supported-devices",
        "docs-supported-functions",
        "docs-troubleshooting",
        "docs-use-cases",
        "dynamic-devices",
        "entity-category",
        "entity-device-class",
        "entity-disabled-by-default",
        "entity-translations",
        "exception-translations",
        "icon-translations",
        "reconfiguration-flow",
        "repair-issues",
        "stale-devices",
    },
    "platinum": {"async-dependency", "inject-websession", "strict-typing"},
}
ALL_RULES = set().union(*RULES_BY_TIER.values())

# Home Assistant's exceptions that users see; each must carry a translation key.
TRANSLATED_EXCEPTIONS = {
    "ConfigEntryAuthFailed",
    "ConfigEntryError",
    "ConfigEntryNotReady",
    "HomeAssistantError",
    "ServiceValidationError",
    "UpdateFailed",
}
DISCOVERY_STEPS = {"zeroconf", "ssdp", "dhcp", "integration_discovery", "discovery"}


def _rules() -> dict[str, dict[str, str]]:
    text = (INTEGRATION / "quality_scale.yaml").read_text(encoding="utf-8")
    return dict(yaml.safe_load(text)["rules"])


RULES = _rules()


def _text(name: str) -> str:
    return (INTEGRATION / name).read_text(encoding="utf-8")


def _sources() -> dict[str, str]:
    """Every Python module of the integration, by path relative to it."""
    return {
        str(path.relative_to(INTEGRATION)): path.read_text(encoding="utf-8")
        for path in sorted(INTEGRATION.rglob("*.py"))
    }


def _all_source() -> str:
    return "\n".join(_sources().values())


def _json(name: str) -> dict[str, Any]:
    return dict(json.loads(_text(name)))


def _readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def _readme_section(heading: str) -> str:
    """Return the text of a README section (a `## heading`), failing when missing."""
    match = re.search(
        rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)",
        _readme(),
        re.MULTILINE | re.DOTALL,
    )
    assert match, f"README has no '## {heading}' section"
    assert match.group(1).strip(), f"README's '## {heading}' is empty"
    return match.group(1)


def _platform_modules() -> dict[str, Any]:
    """The integration's entity platform modules (sensor.py, event.py, ...), imported."""
    names = {platform.value for platform in Platform}
    return {
        path.stem: importlib.import_module(f"{PACKAGE}.{path.stem}")
        for path in sorted(INTEGRATION.glob("*.py"))
        if path.stem in names
    }


def _entity_classes() -> list[type[Entity]]:
    """Every entity class the platform modules define."""
    return [
        cls
        for module in _platform_modules().values()
        for cls in vars(module).values()
        if inspect.isclass(cls)
        and issubclass(cls, Entity)
        and cls.__module__ == module.__name__
    ]


def _base_entity() -> type[Entity]:
    from custom_components.plex_activities import entity  # noqa: PLC0415

    [base] = [
        cls
        for cls in vars(entity).values()
        if inspect.isclass(cls)
        and issubclass(cls, Entity)
        and cls.__module__ == entity.__name__
    ]
    return base


def _flow_steps() -> set[str]:
    from custom_components.plex_activities import config_flow  # noqa: PLC0415

    steps = set()
    for cls in vars(config_flow).values():
        if (
            inspect.isclass(cls)
            and issubclass(cls, ConfigFlow)
            and cls is not ConfigFlow
        ):
            steps |= {
                name.removeprefix("async_step_")
                for name in vars(cls)
                if name.startswith("async_step_")
            }
    return steps


def _services() -> set[str]:
    return set(yaml.safe_load(_text("services.yaml")) or {})


# ------------------------------------------------------------------ evidence

# (rule, status) -> the check that the status is true.
EVIDENCE: dict[tuple[str, str], Callable[[], None]] = {}


def evidence(
    *rules: str, status: str = "done"
) -> Callable[[Callable[[], None]], Callable[[], None]]:
    """Register a check as the evidence that rules have this status."""

    def register(check: Callable[[], None]) -> Callable[[], None]:
        for rule in rules:
            assert rule in ALL_RULES, rule
            EVIDENCE[rule, status] = check
        return check

    return register


@evidence("action-setup")
def _action_setup() -> None:
    assert "async_setup_services(hass)" in inspect.getsource(integration.async_setup)
    assert "async_setup_services" not in inspect.getsource(
        integration.async_setup_entry
    )


@evidence("appropriate-polling")
def _appropriate_polling() -> None:
    from custom_components.plex_activities import const  # noqa: PLC0415

    assert _json("manifest.json")["iot_class"] == "local_push"
    assert timedelta(minutes=1) <= const.SAFETY_POLL_INTERVAL
    assert timedelta(seconds=10) <= const.FALLBACK_POLL_INTERVAL


@evidence("brands")
def _brands() -> None:
    for name in ("icon.png", "logo.png"):
        assert (INTEGRATION / "brand" / name).is_file(), name


@evidence("common-modules")
def _common_modules() -> None:
    coordinator = importlib.import_module(f"{PACKAGE}.coordinator")
    assert any(
        inspect.isclass(cls) and issubclass(cls, DataUpdateCoordinator)
        for cls in vars(coordinator).values()
    )
    assert _base_entity()


@evidence("config-flow-test-coverage")
def _config_flow_tests() -> None:
    tests = "\n".join(
        path.read_text(encoding="utf-8")
        for path in (ROOT / "tests").glob("test_*.py")
        if path.name != Path(__file__).name
    )
    assert (ROOT / "tests" / "test_config_flow.py").is_file()
    # Every way into the flow (user, reauth, reconfigure, discovery), by step id or
    # by its SOURCE_ constant, and every error the forms can show.
    sources = {
        value
        for name, value in vars(config_entries).items()
        if name.startswith("SOURCE_") and isinstance(value, str)
    }
    entries = _flow_steps() & sources
    assert "user" in entries
    untested = [
        step
        for step in entries
        if step not in tests.lower()
        # GDM starts integration discovery flows; tests/test_discovery.py drives it.
        and not (
            step in DISCOVERY_STEPS and (ROOT / "tests" / "test_discovery.py").is_file()
        )
    ]
    assert not untested, f"ways into the config flow no test names: {untested}"
    errors = _json("translations/en.json")["config"]["error"]
    untested = [error for error in errors if f'"{error}"' not in tests]
    assert not untested, f"config flow errors no test names: {untested}"


@evidence("config-flow")
def _config_flow() -> None:
    assert _json("manifest.json")["config_flow"] is True
    for step_id, step in _json("translations/en.json")["config"]["step"].items():
        described = step.get("data_description", {})
        missing = set(step.get("data", {})) - set(described)
        assert not missing, f"step {step_id}: no data_description for {missing}"


@evidence("dependency-transparency", status="exempt")
def _no_requirements() -> None:
    assert _json("manifest.json")["requirements"] == []


@evidence("docs-actions")
def _docs_actions() -> None:
    readme = _readme()
    undocumented = [s for s in _services() if f"plex_activities.{s}" not in readme]
    assert not undocumented, f"actions the README does not name: {undocumented}"


@evidence("docs-triggers", status="exempt")
def _no_triggers() -> None:
    for name in ("trigger.py", "device_trigger.py", "triggers.yaml"):
        assert not (INTEGRATION / name).exists(), name


@evidence("docs-conditions", status="exempt")
def _no_conditions() -> None:
    for name in ("condition.py", "device_condition.py", "conditions.yaml"):
        assert not (INTEGRATION / name).exists(), name


README_SECTIONS = {
    "docs-high-level-description": ["What it does"],
    "docs-installation-instructions": ["Installation", "Requirements"],
    "docs-removal-instructions": ["Removal"],
    "docs-installation-parameters": ["Configuration"],
    "docs-known-limitations": ["Known limitations"],
    "docs-supported-devices": ["Requirements"],
    "docs-supported-functions": ["Entities"],
    "docs-troubleshooting": ["Troubleshooting"],
    "docs-use-cases": ["What it does", "Automations", "Dashboard"],
}
for _rule, _headings in README_SECTIONS.items():
    EVIDENCE[_rule, "done"] = lambda headings=_headings: [
        _readme_section(h) for h in headings
    ]


@evidence("docs-examples")
def _docs_examples() -> None:
    assert "```yaml" in _readme_section("Automations")
    assert list((ROOT / "blueprints").rglob("*.yaml")), "no blueprint"


@evidence("docs-data-update")
def _docs_data_update() -> None:
    text = _readme_section("What it does")
    assert "websocket" in text
    assert re.search(r"every \d+ minutes", text)


@evidence("entity-event-setup")
def _entity_event_setup() -> None:
    for name, source in _sources().items():
        if "async def async_added_to_hass" in source:
            assert "self.async_on_remove(" in source, name


@evidence("entity-unique-id")
def _entity_unique_id() -> None:
    base = _base_entity()
    assert "self._attr_unique_id =" in inspect.getsource(base)
    for cls in _entity_classes():
        assert issubclass(cls, base) or "_attr_unique_id" in inspect.getsource(cls), cls


@evidence("has-entity-name")
def _has_entity_name() -> None:
    for cls in _entity_classes():
        assert any(
            "_attr_has_entity_name = True" in inspect.getsource(ancestor)
            for ancestor in cls.__mro__
            if ancestor.__module__.startswith(PACKAGE)
        ), cls


@evidence("runtime-data")
def _runtime_data() -> None:
    assert re.search(
        r"^type \w+ConfigEntry = ConfigEntry\[", _all_source(), re.MULTILINE
    )
    assert "entry.runtime_data = " in inspect.getsource(integration.async_setup_entry)


@evidence("test-before-configure")
def _test_before_configure() -> None:
    errors = _json("translations/en.json")["config"]["error"]
    assert {"cannot_connect", "invalid_auth"} <= set(errors)
    assert "async_validate" in _text("config_flow.py") or "PlexClient" in _text(
        "config_flow.py"
    )


@evidence("test-before-setup")
def _test_before_setup() -> None:
    assert "async_config_entry_first_refresh" in inspect.getsource(
        integration.async_setup_entry
    )
    assert "ConfigEntryAuthFailed(" in _all_source()


@evidence("unique-config-entry")
def _unique_config_entry() -> None:
    source = _text("config_flow.py")
    assert "async_set_unique_id(" in source
    assert "_abort_if_unique_id_configured(" in source


@evidence("action-exceptions")
def _action_exceptions() -> None:
    source = _all_source()
    assert "ServiceValidationError(" in source
    assert "HomeAssistantError(" in source


@evidence("config-entry-unloading")
def _unloading() -> None:
    assert "async_unload_platforms" in inspect.getsource(integration.async_unload_entry)


@evidence("docs-configuration-parameters", status="exempt")
def _no_options() -> None:
    assert "OptionsFlow" not in _all_source()


@evidence("entity-unavailable")
def _entity_unavailable() -> None:
    assert issubclass(_base_entity(), CoordinatorEntity)


@evidence("integration-owner")
def _owner() -> None:
    assert _json("manifest.json")["codeowners"]


@evidence("log-when-unavailable")
def _log_when_unavailable() -> None:
    tests = "\n".join(
        path.read_text(encoding="utf-8") for path in (ROOT / "tests").rglob("*.py")
    )
    assert "is unavailable: " in tests
    assert "is available again" in tests


@evidence("parallel-updates")
def _parallel_updates() -> None:
    modules = _platform_modules()
    assert modules
    for name, module in modules.items():
        assert isinstance(getattr(module, "PARALLEL_UPDATES", None), int), name


@evidence("reauthentication-flow")
def _reauth() -> None:
    assert {"reauth", "reauth_confirm"} <= _flow_steps()
    assert "reauth_confirm" in _json("translations/en.json")["config"]["step"]


@evidence("test-coverage")
def _coverage() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    addopts = pyproject["tool"]["pytest"]["ini_options"]["addopts"]
    assert f"--cov={PACKAGE}" in addopts
    match = re.search(r"--cov-fail-under=(\d+)", addopts)
    assert match
    assert int(match.group(1)) >= 95


@evidence("devices")
def _devices() -> None:
    base = inspect.getsource(_base_entity())
    assert "server_device_info(coordinator)" in base
    assert "DeviceInfo(" in _text("entity.py")
    # Each library is a device of its own, connected via the server's.
    assert "via_device_id=" in _text("library_entity.py")


@evidence("stale-devices")
def _stale_devices() -> None:
    # Libraries the server no longer lists lose their device (and entities), at once
    # and at setup; maintenance tasks it no longer lists lose their buttons.
    assert "registry.async_remove_device(device.id)" in _text("library_entity.py")
    assert "registry.async_remove(" in _text("butler_buttons.py")


@evidence("diagnostics")
def _diagnostics() -> None:
    diagnostics = importlib.import_module(f"{PACKAGE}.diagnostics")
    assert callable(diagnostics.async_get_config_entry_diagnostics)
    assert "token" in diagnostics.TO_REDACT


@evidence("discovery", "discovery-update-info", status="exempt")
def _no_discovery() -> None:
    manifest = _json("manifest.json")
    assert not {"zeroconf", "ssdp", "dhcp", "usb", "bluetooth"} & set(manifest)
    assert not DISCOVERY_STEPS & _flow_steps()


@evidence("discovery")
def _discovery() -> None:
    manifest = _json("manifest.json")
    assert {"zeroconf", "ssdp", "dhcp"} & set(manifest) or DISCOVERY_STEPS & (
        _flow_steps()
    )


@evidence("discovery-update-info")
def _discovery_updates_address() -> None:
    assert DISCOVERY_STEPS & _flow_steps()
    assert "_abort_if_unique_id_configured(updates=" in _all_source()


@evidence("dynamic-devices")
def _dynamic() -> None:
    sensor = _text("sensor.py") + _text("activity_sensor.py")
    assert "async_add_entities" in sensor
    assert "async_remove" in sensor
    libraries = _text("library_entity.py")
    assert "async_add_library_listener(libraries_changed)" in libraries
    assert "async_add_entities(" in libraries


@evidence("entity-category", status="exempt")
def _no_entity_category() -> None:
    assert "EntityCategory" not in _all_source()


@evidence("entity-device-class")
def _device_classes() -> None:
    assert "BinarySensorDeviceClass.RUNNING" in _text("binary_sensor.py")
    assert "SensorDeviceClass.TIMESTAMP" in _text("library_sensor.py")


@evidence("entity-disabled-by-default")
def _some_disabled() -> None:
    assert "_attr_entity_registry_enabled_default" in _text("button.py")
    assert "_attr_entity_registry_enabled_default" in _text("butler_buttons.py")


@evidence("entity-translations")
def _entity_translations() -> None:
    names = _json("translations/en.json")["entity"]
    for cls in _entity_classes():
        source = inspect.getsource(inspect.getmodule(cls) or cls)
        assert "translation_key" in source, cls
    assert names


@evidence("exception-translations")
def _exception_translations() -> None:
    keys = set(_json("translations/en.json")["exceptions"])
    for name, source in _sources().items():
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.id if isinstance(func, ast.Name) else None
            if called not in TRANSLATED_EXCEPTIONS:
                continue
            given = {k.arg: k.value for k in node.keywords}
            where = f"{name}:{node.lineno} {called}"
            assert "translation_key" in given, f"{where} has no translation_key"
            key = given["translation_key"]
            if isinstance(key, ast.Constant):
                assert key.value in keys, f"{where}: {key.value} not in exceptions"


@evidence("icon-translations")
def _icon_translations() -> None:
    icons = _json("icons.json")
    assert icons["entity"]
    assert set(icons["services"]) == _services()
    source = _all_source()
    assert "_attr_icon" not in source
    assert "def icon(" not in source


@evidence("reconfiguration-flow")
def _reconfigure() -> None:
    assert "reconfigure" in _flow_steps()


@evidence("repair-issues")
def _repairs() -> None:
    assert "ir.async_create_issue(" in _all_source()
    assert _json("translations/en.json")["issues"]


@evidence("async-dependency")
def _async_dependency() -> None:
    api = "\n".join(
        path.read_text(encoding="utf-8") for path in (INTEGRATION / "api").glob("*.py")
    )
    assert "import aiohttp" in api
    assert not re.search(r"^\s*import (requests|urllib3|httpx)\b", api, re.MULTILINE)


@evidence("inject-websession")
def _inject_websession() -> None:
    first = next(iter(inspect.signature(integration.PlexClient).parameters))
    assert first == "session"
    assert "async_get_clientsession(" in inspect.getsource(
        integration.async_setup_entry
    )


@evidence("strict-typing")
def _strict_typing() -> None:
    mypy = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "mypy"
    ]
    assert mypy["strict"] is True
    assert "custom_components" in mypy["files"]
    assert (INTEGRATION / "api" / "py.typed").is_file()
    assert "mypy" in (ROOT / "scripts" / "test.sh").read_text(encoding="utf-8")


# ------------------------------------------------------------------ tests


def test_every_rule_listed_once_with_a_reason() -> None:
    """Bronze to platinum, each rule done or exempt, with a one-line comment."""
    assert set(RULES) == ALL_RULES
    for rule, entry in RULES.items():
        assert entry["status"] in {"done", "exempt"}, rule
        comment = entry.get("comment", "")
        assert comment.strip(), f"{rule} has no comment"
        assert "\n" not in comment.strip(), f"{rule}'s comment is not one line"


def test_every_claim_has_a_check() -> None:
    """No claim without evidence: each rule's status has a check in this file."""
    unchecked = [
        f"{rule}: {entry['status']}"
        for rule, entry in RULES.items()
        if (rule, entry["status"]) not in EVIDENCE
    ]
    assert not unchecked, f"add a check of these claims here: {unchecked}"


@pytest.mark.parametrize("rule", sorted(RULES))
def test_rule_holds(rule: str) -> None:
    """The rule's evidence: for done, that it is done; for exempt, that it still is."""
    status = RULES[rule]["status"]
    check = EVIDENCE.get((rule, status))
    if check is None:
        pytest.fail(f"no check of {rule}: {status}")
    check()
