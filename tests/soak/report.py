"""Adds up the figures of soak runs (JSON lines) and prints them: scripts/soak.sh."""

from __future__ import annotations

from collections import Counter
import json
from pathlib import Path
import sys
from typing import Any


def summarize(runs: list[dict[str, Any]]) -> tuple[str, int]:
    """Return the figures of all runs as text, and the number of divergences."""
    faults: Counter[str] = Counter()
    actions: Counter[str] = Counter()
    divergences: list[str] = []
    for run in runs:
        faults.update(run["faults"])
        actions.update(run["actions"])
        divergences.extend(run["divergences"])
    seeds = ", ".join(str(run["seed"]) for run in runs)
    longest = max((run["longest_catch_up"] for run in runs), default=0.0)
    lines = [
        f"Soak figures ({len(runs)} runs, seeds {seeds}):",
        f"  steps: {sum(run['steps'] for run in runs)}",
        f"  quiet periods checked: {sum(run['quiet_periods'] for run in runs)}",
        f"  longest catch-up after the faults ended: {longest:.1f} s",
        f"  faults: {sum(faults.values())} ({_listed(faults)})",
        f"  actions: {_listed(actions)}",
        f"  divergences: {len(divergences)}",
        *(f"    {divergence}" for divergence in divergences[:50]),
    ]
    return "\n".join(lines), len(divergences)


def _listed(counts: Counter[str]) -> str:
    return ", ".join(f"{kind} {count}" for kind, count in sorted(counts.items()))


def main(path: str) -> int:
    """Print the figures of the runs in `path`; return 1 on any divergence."""
    text = Path(path).read_text(encoding="utf-8")
    runs = [json.loads(line) for line in text.splitlines() if line.strip()]
    summary, divergences = summarize(runs)
    print(f"\n{summary}")  # noqa: T201 - the figures are the output
    return 1 if divergences or not runs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
