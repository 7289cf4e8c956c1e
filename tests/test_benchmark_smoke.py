"""The benchmark at a small scale, so that it keeps working (no targets here)."""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING

from benchmarks.runner import SMOKE, run, table

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from plex_simulator import PlexSimulator


async def test_benchmark_smoke(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """Every measurement runs and produces sane figures."""
    results = await run(hass, simulator, init_integration, SMOKE)
    assert table(results)
    assert len(results.latency) == 2 * len(SMOKE.activity_counts) * len(SMOKE.rates)
    assert {r["transport"] for r in results.latency} == {"websocket", "eventsource"}
    assert all(r["applied"] == r["frames"] for r in results.latency)
    assert results.fanout["writes_per_changing_frame"] == 1
    assert results.fanout["writes_per_unchanged_frame"] == 0
    assert results.cpu["total_us_per_frame"] > 0
    # The references each timing is judged against are measured in the same run.
    assert results.reference["state_write_us"] > 0
    assert results.reference["frame_parse_us"] > 0
    assert all(r["bare_median_ms"] > 0 for r in results.latency)
    assert all(r["median_over_bare"] > 0 for r in results.latency)
    assert results.cpu["state_write_us"] > 0
    # The integration does more per notification than a client that only reads it.
    assert results.cpu["integration_in_state_writes"] > 0
    assert results.churn["lifecycle_in_state_writes"] > 0
    assert results.startup["per_activity_in_state_writes"] > 0
    assert results.polling["poll_staleness_mean_s"] > 0
    assert results.churn["leaked_registry_entries"] == 0
    assert results.churn["leaked_states"] == 0
    assert results.startup["seconds_to_all_states"] > 0


def test_benchmark_has_the_fixtures_it_uses() -> None:
    """benchmarks/ borrows the suite's fixtures by name: every one it needs is there."""
    import benchmarks.conftest  # noqa: PLC0415 - only this test needs it
    from benchmarks.test_benchmark import test_benchmark  # noqa: PLC0415
    from tests import conftest  # noqa: PLC0415

    borrowed = set(vars(benchmarks.conftest))
    # Home Assistant's own fixtures (hass, ...) come from its pytest plugin.
    ours = set(vars(conftest))
    needed = set(inspect.signature(test_benchmark).parameters)
    seen: set[str] = set()
    while needed - seen:
        name = (needed - seen).pop()
        seen.add(name)
        if name in ours and hasattr(vars(conftest)[name], "__wrapped__"):
            needed |= set(
                inspect.signature(vars(conftest)[name].__wrapped__).parameters
            )
    missing = sorted(name for name in seen if name in ours and name not in borrowed)
    assert not missing, f"benchmarks/conftest.py does not import {missing}"
