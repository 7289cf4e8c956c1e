"""Cooperative slicing: long loops let the event loop run every few milliseconds."""

from __future__ import annotations

import asyncio
import time
from typing import Final

# The longest a loop over a burst (buffered frames, a big REST answer) runs before it
# lets the event loop run other work.
YIELD_AFTER: Final = 0.005


async def yield_if_busy(busy_since: float) -> float:
    """Let the event loop run if the work went on for `YIELD_AFTER` seconds.

    `busy_since` is the `time.monotonic()` at which the current slice of work began;
    return when the next one begins (the same value if this one goes on).
    """
    if time.monotonic() - busy_since < YIELD_AFTER:
        return busy_since
    await asyncio.sleep(0)
    return time.monotonic()
