"""The benchmark uses the test suite's fixtures (Home Assistant, the simulator)."""

from tests.conftest import (  # noqa: F401 - pytest finds fixtures by name
    auto_enable_custom_integrations,
    init_integration,
    mock_config_entry,
    platforms,
    simulator,
    token_never_logged,
)
