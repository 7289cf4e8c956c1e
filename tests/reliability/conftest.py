"""Fixtures of the reliability tests: loop stall measurement and recorded backoff."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
import gc
import time
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


@dataclass
class StallMonitor:
    """Measures the event loop's longest stall while it runs.

    A background task sleeps `tick` seconds over and over; any wake-up later than that
    is time the loop spent elsewhere without yielding. Three figures per stall:
    `longest` (wall clock), `longest_gc` (the longest pause of Python's cyclic garbage
    collector, which stops everything whoever allocated), and `longest_work` (the
    loop thread's CPU time in the stall minus garbage collection: what the code on
    the loop did, immune to other processes taking the CPU away).
    """

    tick: float = 0.005
    longest: float = 0.0
    longest_gc: float = 0.0
    longest_work: float = 0.0
    wakeups: int = 0
    _gc_total: float = field(default=0.0, repr=False)
    _gc_started: float = field(default=0.0, repr=False)
    _started_at: tuple[float, float] = field(default=(0.0, 0.0), repr=False)
    _task: asyncio.Task[None] | None = field(default=None, repr=False)

    def _gc_callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            pause = time.perf_counter() - self._gc_started
            self.longest_gc = max(self.longest_gc, pause)
            self._gc_total += pause

    async def _run(self) -> None:
        last_wall, last_cpu = time.perf_counter(), time.thread_time()
        last_gc = self._gc_total
        while True:
            await asyncio.sleep(self.tick)
            wall, cpu = time.perf_counter(), time.thread_time()
            # A stall that began before `start` is not part of the measurement.
            last_wall = max(last_wall, self._started_at[0])
            last_cpu = max(last_cpu, self._started_at[1])
            self.longest = max(self.longest, wall - last_wall - self.tick)
            self.longest_work = max(
                self.longest_work, cpu - last_cpu - (self._gc_total - last_gc)
            )
            self.wakeups += 1
            last_wall, last_cpu, last_gc = wall, cpu, self._gc_total

    def start(self) -> None:
        """Start measuring from now on (forgetting what was measured before).

        Collects the garbage already there first: what earlier tests left (a whole Home
        Assistant and its thousands of activities) is not the cost of what is measured,
        and collecting it inside the measurement took 50 ms, at a moment that depends on
        how much the tests before happened to allocate.
        """
        gc.collect()
        self._started_at = (time.perf_counter(), time.thread_time())
        self.longest = self.longest_gc = self.longest_work = 0.0
        self.wakeups = 0
        if self._gc_callback not in gc.callbacks:
            gc.callbacks.append(self._gc_callback)
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    def report(self, what: str) -> str:
        """Return the figures as one line."""
        return (
            f"{what}: longest stall {self.longest * 1000:.0f} ms wall clock, "
            f"of which garbage collection up to {self.longest_gc * 1000:.0f} ms; "
            f"longest loop work without yielding {self.longest_work * 1000:.0f} ms"
        )

    async def stop(self) -> None:
        """Stop measuring."""
        if self._gc_callback in gc.callbacks:
            gc.callbacks.remove(self._gc_callback)
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None


@pytest.fixture
async def stall_monitor() -> AsyncIterator[StallMonitor]:
    """Return a loop stall monitor; it is stopped at the end of the test."""
    monitor = StallMonitor()
    yield monitor
    await monitor.stop()


@dataclass
class RecordingSleep:
    """Stands in for the listener's `sleep`: records each backoff delay.

    It waits only `real` seconds for real, so minutes of backoff pass in moments;
    once the delays add up to `until`, it blocks until released (the run is over).
    """

    real: float = 0.0
    until: float | None = None
    delays: list[float] = field(default_factory=list)
    reached: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def total(self) -> float:
        """Return the simulated time spent backing off."""
        return sum(self.delays)

    async def __call__(self, delay: float) -> None:
        """Record the delay and return (almost) at once."""
        self.delays.append(delay)
        if self.until is not None and self.total >= self.until:
            self.reached.set()
            await self.release.wait()
        await asyncio.sleep(self.real)
