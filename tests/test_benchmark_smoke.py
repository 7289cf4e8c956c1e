"""The benchmark at a small scale, so that it keeps working (no targets here)."""

from __future__ import annotations

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
