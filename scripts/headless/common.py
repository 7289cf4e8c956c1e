"""What every part of the check shares: its error, its log line, waiting for a state."""

from __future__ import annotations

import asyncio
from pathlib import Path
import time
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = "plex_activities"
STEP_TIMEOUT = 90.0


class CheckError(Exception):
    """A step of the check failed; the message says which and why."""


def log(message: str) -> None:
    """Print one progress line of the check."""
    print(f"[check {time.strftime('%H:%M:%S')}] {message}", flush=True)


async def wait_for(
    what: str,
    probe: Any,
    timeout: float = STEP_TIMEOUT,  # noqa: ASYNC109
    interval: float = 1.0,
) -> Any:
    """Call the async probe until it returns something truthy; fail after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        result = await probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise CheckError(f"timed out after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(interval)
