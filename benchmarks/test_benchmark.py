"""The full benchmark: prints a table, writes JSON, fails when a target is missed."""

from __future__ import annotations

from dataclasses import asdict
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.runner import FULL, missed_targets, run, table

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from plex_simulator import PlexSimulator


async def test_benchmark(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: PlexSimulator
) -> None:
    """Run every measurement at full scale."""
    results = await run(hass, simulator, init_integration, FULL)
    print(table(results))
    output = Path(os.environ.get("BENCH_OUTPUT", "benchmark-results.json"))
    output.write_text(json.dumps(asdict(results), indent=2) + "\n", encoding="utf-8")
    print(f"\nFigures written to {output}")
    assert not missed_targets(results), missed_targets(results)
