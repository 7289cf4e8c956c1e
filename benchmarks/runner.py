"""Measurements of the real integration against the simulator over loopback.

Everything runs in one event loop (Home Assistant, the integration and the simulator),
as in Home Assistant's own test harness. Figures are wall-clock (perf_counter) and
process CPU time; the simulator's own cost is measured separately where it matters.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
import gc
import statistics
import time
from typing import TYPE_CHECKING, Any

import aiohttp
from homeassistant.const import CONF_TOKEN
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er

from custom_components.plex_activities.const import DOMAIN
from tests.helpers import activity_entity_id, frames_applied, settle, wait_for

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from plex_simulator import PlexSimulator

SUMMARY = "sensor.plex_simulator_activities"


@dataclass(frozen=True, kw_only=True)
class Scale:
    """How big each measurement is."""

    latency_seconds: float
    activity_counts: tuple[int, ...]
    rates: tuple[int, ...]
    cpu_frames: int
    fanout_frames: int
    polling_samples: int
    simulated_minutes: int
    churn_lifecycles: int
    startup_activities: int


FULL = Scale(
    latency_seconds=3.0,
    activity_counts=(1, 100, 1000),
    rates=(100, 1000),
    cpu_frames=20_000,
    fanout_frames=200,
    polling_samples=10,
    simulated_minutes=10,
    churn_lifecycles=10_000,
    startup_activities=1000,
)
SMOKE = Scale(
    latency_seconds=0.3,
    activity_counts=(1, 10),
    rates=(100,),
    cpu_frames=300,
    fanout_frames=20,
    polling_samples=2,
    simulated_minutes=2,
    churn_lifecycles=50,
    startup_activities=20,
)

# Targets of issue 5 (checked by the full benchmark only).
TARGET_P99_MS = 5.0  # at 1,000 activities and 100 frames/s
TARGET_CPU_US = 200.0
TARGET_RSS_MB = 10.0
TARGET_SAFETY_POLLS = 2


@dataclass
class Results:
    """All figures, as printed and written to JSON."""

    latency: list[dict[str, Any]] = field(default_factory=list)
    cpu: dict[str, Any] = field(default_factory=dict)
    fanout: dict[str, Any] = field(default_factory=dict)
    polling: dict[str, Any] = field(default_factory=dict)
    churn: dict[str, Any] = field(default_factory=dict)
    startup: dict[str, Any] = field(default_factory=dict)


class VirtualClock:
    """Moves the event loop's clock forward, so its timers run as if time had passed.

    Every timer (the coordinator's polls, the keepalive, aiohttp's timeouts) reads the
    loop's `time()`, so they all see one consistent clock; between steps a moment of
    real time lets answers in flight (a pong, a REST reply) arrive, as they would.
    """

    def __init__(self, hass: HomeAssistant) -> None:
        """Take over the loop's clock (for the rest of this test's loop)."""
        self.hass = hass
        self.offset = 0.0
        loop = hass.loop
        real_time = loop.time
        loop.time = lambda: real_time() + self.offset  # type: ignore[method-assign]

    async def advance(self, seconds: float, step: float = 1.0) -> None:
        """Let `seconds` of simulated time pass in steps of `step` seconds."""
        target = self.offset + seconds
        while self.offset < target:
            self.offset = min(target, self.offset + step)
            await asyncio.sleep(0.02)
            await self.hass.async_block_till_done()


def percentile(values: list[float], fraction: float) -> float:
    """Return the nearest-rank percentile of `values`."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def rss_mb() -> float:
    """Return this process's resident set size in MB."""
    with open("/proc/self/status", encoding="ascii") as status:  # noqa: PTH123
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0  # pragma: no cover - Linux always has VmRSS


class StateWatch:
    """Records the time of every state write, per entity."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Listen to state changes."""
        self.writes: list[tuple[float, str, str | None]] = []
        self.waiting: dict[tuple[str, str], float] = {}
        self.latencies: list[float] = []
        self._unsub = hass.bus.async_listen("state_changed", self._record)

    @callback
    def _record(self, event: Event) -> None:
        now = time.perf_counter()
        new_state = event.data["new_state"]
        state = new_state.state if new_state is not None else None
        entity_id = event.data["entity_id"]
        self.writes.append((now, entity_id, state))
        if (sent := self.waiting.pop((entity_id, state or ""), None)) is not None:
            self.latencies.append(now - sent)

    def close(self) -> None:
        """Stop listening."""
        self._unsub()


async def ensure_activities(
    hass: HomeAssistant, simulator: PlexSimulator, count: int
) -> list[str]:
    """Have exactly `count` activities running (started by push) and return them."""
    uuids = list(simulator.activities)
    for index in range(len(uuids), count):
        uuids.append(simulator.start_activity(title=f"Scanning {index}", progress=0))
        if index % 200 == 0:
            await settle(hass, simulator)
    await settle(hass, simulator)
    return uuids[:count]


async def measure_latency(
    hass: HomeAssistant,
    simulator: PlexSimulator,
    scale: Scale,
    results: Results,
    transport: str = "websocket",
) -> None:
    """Push latency: frame queued by the simulator -> new state in the state machine."""
    for count in scale.activity_counts:
        uuids = await ensure_activities(hass, simulator, count)
        entity_ids = {uuid: activity_entity_id(hass, uuid) for uuid in uuids}
        progress = dict.fromkeys(uuids, 0)
        for rate in scale.rates:
            watch = StateWatch(hass)
            frames = int(rate * scale.latency_seconds)
            per_tick = max(1, rate // 200)  # send in ticks of at most 5 ms
            tick = per_tick / rate
            start = time.perf_counter()
            for sent in range(frames):
                uuid = uuids[sent % count]
                progress[uuid] = progress[uuid] % 99 + 1
                entity_id = entity_ids[uuid]
                assert entity_id is not None
                watch.waiting[(entity_id, str(progress[uuid]))] = time.perf_counter()
                simulator.update_activity(uuid, progress=progress[uuid])
                if (sent + 1) % per_tick == 0:
                    delay = start + (sent + 1) / per_tick * tick - time.perf_counter()
                    await asyncio.sleep(max(0.0, delay))
            await settle(hass, simulator)
            watch.close()
            latencies_ms = [value * 1000 for value in watch.latencies]
            results.latency.append(
                {
                    "transport": transport,
                    "activities": count,
                    "frames_per_second": rate,
                    "frames": frames,
                    "applied": len(latencies_ms),
                    "median_ms": round(statistics.median(latencies_ms), 3),
                    "p99_ms": round(percentile(latencies_ms, 0.99), 3),
                    "max_ms": round(max(latencies_ms), 3),
                }
            )


async def measure_fanout(
    hass: HomeAssistant, simulator: PlexSimulator, scale: Scale, results: Results
) -> None:
    """State writes per notification: one changed activity -> 1; no change -> 0."""
    uuids = list(simulator.activities)
    watch = StateWatch(hass)
    frames = scale.fanout_frames
    for index in range(frames):
        uuid = uuids[index % len(uuids)]
        current = simulator.activities[uuid]["progress"]
        simulator.update_activity(uuid, progress=current % 99 + 1)
    await settle(hass, simulator)
    changed = [
        w for w in watch.writes if w[1].startswith("sensor.") and w[1] != SUMMARY
    ]
    summary_changed = [w for w in watch.writes if w[1] == SUMMARY]
    watch.writes.clear()
    for index in range(frames):
        uuid = uuids[index % len(uuids)]
        simulator.update_activity(uuid, progress=simulator.activities[uuid]["progress"])
    await settle(hass, simulator)
    unchanged = [w for w in watch.writes if w[1] != SUMMARY]
    watch.close()
    results.fanout = {
        "activities": len(uuids),
        "frames": frames,
        "writes_per_changing_frame": round(len(changed) / frames, 3),
        "writes_per_unchanged_frame": round(len(unchanged) / frames, 3),
        "summary_writes_per_changing_frame": round(len(summary_changed) / frames, 3),
    }


async def _burst(
    hass: HomeAssistant,
    simulator: PlexSimulator,
    uuids: list[str],
    frames: int,
    applied: Callable[[], bool],
) -> float:
    """Send `frames` updates as fast as the loop allows; return CPU seconds used."""
    cpu = time.process_time()
    for index in range(frames):
        uuid = uuids[index % len(uuids)]
        simulator.update_activity(uuid, progress=index % 99 + 1)
        if index % 500 == 499:
            await asyncio.sleep(0)
    await simulator.flush()
    await wait_for(hass, applied, timeout=120)
    await hass.async_block_till_done()
    return time.process_time() - cpu


async def measure_cpu(
    hass: HomeAssistant,
    simulator: PlexSimulator,
    entry: MockConfigEntry,
    scale: Scale,
    results: Results,
) -> None:
    """CPU per notification, with the simulator's own cost measured and subtracted."""
    uuids = list(simulator.activities)
    frames = scale.cpu_frames
    gc.collect()
    total = await _burst(
        hass, simulator, uuids, frames, lambda: frames_applied(hass, simulator)
    )

    # The same burst to a bare websocket client that only reads the frames.
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    await simulator.wait_for_websocket_count(0)
    received = 0
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(
            f"{simulator.url}/:/websockets/notifications?filters=activity",
            headers={"X-Plex-Token": entry.data[CONF_TOKEN]},
        ) as websocket,
    ):
        await simulator.wait_for_websockets(1)

        async def read() -> None:
            nonlocal received
            async for _message in websocket:
                received += 1

        reader = asyncio.create_task(read())
        gc.collect()
        baseline = await _burst(
            hass, simulator, uuids, frames, lambda: received >= frames
        )
        reader.cancel()
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await simulator.wait_for_websockets(1)
    await settle(hass, simulator)
    results.cpu = {
        "activities": len(uuids),
        "frames": frames,
        "total_us_per_frame": round(total / frames * 1e6, 1),
        "simulator_us_per_frame": round(baseline / frames * 1e6, 1),
        "integration_us_per_frame": round((total - baseline) / frames * 1e6, 1),
    }


async def measure_polling(
    hass: HomeAssistant,
    simulator: PlexSimulator,
    entry: MockConfigEntry,
    scale: Scale,
    results: Results,
) -> None:
    """Staleness with the safety poll only vs push; REST calls in 10 simulated minutes."""
    coordinator = entry.runtime_data
    clock = VirtualClock(hass)
    # Minutes of simulated time with a healthy websocket.
    simulator.clear_requests()
    await clock.advance(scale.simulated_minutes * 60)
    assert coordinator.listener.stats.connects == 1, "the websocket did not stay up"
    rest_calls = [r for r in simulator.requests if not r.websocket]
    activity_polls = [r for r in rest_calls if r.path == "/activities"]
    # Each resync refreshes the library names too: counted apart, at most one per poll.
    library_refreshes = [r for r in rest_calls if r.path == "/library/sections"]

    # Both channels gone (a proxy passing neither upgrades nor streams): only the 30 s
    # fallback poll remains.
    simulator.websocket_enabled = False
    simulator.eventsource.enabled = False
    await simulator.drop_websockets()
    await wait_for(hass, lambda: coordinator.listener.stats.failed_attempts >= 1)
    uuid = next(iter(simulator.activities))
    entity_id = activity_entity_id(hass, uuid)
    assert entity_id is not None
    staleness: list[float] = []
    for sample in range(scale.polling_samples):
        # Change at varying points of the poll interval.
        await clock.advance(7.3 * (sample + 1) % 30, step=0.5)
        value = sample % 90 + 5
        simulator.set_activities_silently(
            [
                {**activity, "progress": value} if key == uuid else activity
                for key, activity in simulator.activities.items()
            ]
        )
        changed_at = clock.offset
        while hass.states.get(entity_id).state != str(value):
            await clock.advance(0.5, step=0.5)
            assert clock.offset - changed_at < 120, "the fallback poll never came"
        staleness.append(clock.offset - changed_at)
    simulator.websocket_enabled = True
    simulator.eventsource.enabled = True
    while not coordinator.listener.stats.connected:  # past the longest backoff (60 s)
        await clock.advance(1)
        assert clock.offset < 10_000, "the websocket never came back"
    await simulator.wait_for_websockets(1)
    push_ms = statistics.median(
        r["median_ms"] for r in results.latency if r["transport"] == "websocket"
    )
    poll_ms = statistics.mean(staleness) * 1000
    results.polling = {
        "simulated_minutes": scale.simulated_minutes,
        "rest_requests": len(rest_calls),
        "activity_polls": len(activity_polls),
        "library_refreshes": len(library_refreshes),
        "poll_staleness_mean_s": round(poll_ms / 1000, 2),
        "push_latency_median_ms": round(push_ms, 3),
        "staleness_ratio_poll_over_push": round(poll_ms / push_ms),
    }


async def measure_churn(
    hass: HomeAssistant,
    simulator: PlexSimulator,
    entry: MockConfigEntry,
    scale: Scale,
    results: Results,
) -> None:
    """Lifecycles (start, 5 updates, end): leaks and time per lifecycle."""
    registry = er.async_get(hass)
    before_entries = len(er.async_entries_for_config_entry(registry, entry.entry_id))
    before_states = len(hass.states.async_entity_ids())
    gc.collect()
    rss_before = rss_mb()
    start = time.perf_counter()
    batch = 100
    for first in range(0, scale.churn_lifecycles, batch):
        uuids = [
            simulator.start_activity(title=f"Churn {first + i}", progress=0)
            for i in range(min(batch, scale.churn_lifecycles - first))
        ]
        for step in range(1, 6):
            for uuid in uuids:
                simulator.update_activity(uuid, progress=step * 15)
        for uuid in uuids:
            simulator.end_activity(uuid)
        await settle(hass, simulator)
    elapsed = time.perf_counter() - start
    gc.collect()
    results.churn = {
        "lifecycles": scale.churn_lifecycles,
        "leaked_registry_entries": len(
            er.async_entries_for_config_entry(registry, entry.entry_id)
        )
        - before_entries,
        "leaked_states": len(hass.states.async_entity_ids()) - before_states,
        "rss_growth_mb": round(rss_mb() - rss_before, 1),
        "ms_per_lifecycle": round(elapsed / scale.churn_lifecycles * 1000, 3),
    }


async def measure_startup(
    hass: HomeAssistant,
    simulator: PlexSimulator,
    entry: MockConfigEntry,
    scale: Scale,
    results: Results,
) -> None:
    """From config entry setup to all states present, activities already running."""
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    simulator.set_activities_silently(
        [
            {
                "uuid": f"startup-{i}",
                "type": "library.update.section",
                "title": f"S {i}",
            }
            for i in range(scale.startup_activities)
        ]
    )
    start = time.perf_counter()
    assert await hass.config_entries.async_setup(entry.entry_id)
    await wait_for(
        hass,
        lambda: all(
            (entity_id := activity_entity_id(hass, f"startup-{i}")) is not None
            and hass.states.get(entity_id) is not None
            for i in range(scale.startup_activities)
        ),
        timeout=120,
    )
    results.startup = {
        "activities": scale.startup_activities,
        "seconds_to_all_states": round(time.perf_counter() - start, 3),
    }


async def run(
    hass: HomeAssistant,
    simulator: PlexSimulator,
    entry: MockConfigEntry,
    scale: Scale,
) -> Results:
    """Run every measurement in order on one loaded config entry."""
    results = Results()
    await measure_latency(hass, simulator, scale, results)
    await measure_eventsource_latency(hass, simulator, entry, scale, results)
    await measure_fanout(hass, simulator, scale, results)
    await measure_cpu(hass, simulator, entry, scale, results)
    await measure_polling(hass, simulator, entry, scale, results)
    simulator.set_activities_silently([])
    await simulator.drop_websockets()
    await simulator.wait_for_websockets(1)
    await wait_for(hass, lambda: not entry.runtime_data.activities)
    await measure_churn(hass, simulator, entry, scale, results)
    await measure_startup(hass, simulator, entry, scale, results)
    assert hass.config_entries.async_loaded_entries(DOMAIN)
    return results


async def measure_eventsource_latency(
    hass: HomeAssistant,
    simulator: PlexSimulator,
    entry: MockConfigEntry,
    scale: Scale,
    results: Results,
) -> None:
    """The same push latency over the EventSource (websocket upgrades refused)."""
    listener = entry.runtime_data.listener
    simulator.websocket_enabled = False
    await simulator.drop_websockets()
    await wait_for(
        hass,
        lambda: listener.stats.connected and listener.transport == "eventsource",
    )
    await measure_latency(hass, simulator, scale, results, "eventsource")
    # Back to the websocket at once (a new listener) instead of in 10 minutes.
    simulator.websocket_enabled = True
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    listener = entry.runtime_data.listener
    await wait_for(
        hass, lambda: listener.stats.connected and listener.transport == "websocket"
    )
    await settle(hass, simulator)


def missed_targets(results: Results) -> list[str]:
    """Return the issue's targets that the figures miss."""
    missed = []
    for transport in ("websocket", "eventsource"):
        at_1000 = [
            r
            for r in results.latency
            if r["activities"] == 1000
            and r["frames_per_second"] == 100
            and r["transport"] == transport
        ]
        if not at_1000 or at_1000[0]["p99_ms"] > TARGET_P99_MS:
            missed.append(
                f"push p99 over the {transport} at 1,000 activities and 100 frames/s"
                f" > {TARGET_P99_MS} ms"
            )
    if results.cpu["integration_us_per_frame"] > TARGET_CPU_US:
        missed.append(f"integration CPU per notification > {TARGET_CPU_US} µs")
    if results.fanout["writes_per_changing_frame"] != 1:
        missed.append("state writes per changing notification != 1")
    if results.fanout["writes_per_unchanged_frame"] != 0:
        missed.append("state writes per unchanged notification != 0")
    if results.polling["activity_polls"] > TARGET_SAFETY_POLLS:
        missed.append("more than the initial sync plus 2 safety polls in 10 minutes")
    if results.polling["library_refreshes"] > results.polling["activity_polls"]:
        missed.append("more library refreshes than activity polls")
    if results.churn["leaked_registry_entries"] or results.churn["leaked_states"]:
        missed.append("entity registry entries or states leaked")
    if results.churn["rss_growth_mb"] >= TARGET_RSS_MB:
        missed.append(f"RSS grew by {TARGET_RSS_MB} MB or more")
    return missed


def table(results: Results) -> str:
    """Return the figures as a printable table."""
    lines = ["", "Push latency (frame queued -> state in Home Assistant)"]
    lines.append(
        f"{'transport':>11} {'activities':>10} {'frames/s':>9} {'applied':>8} {'median ms':>10} {'p99 ms':>8} {'max ms':>8}"
    )
    lines.extend(
        f"{r['transport']:>11} {r['activities']:>10} {r['frames_per_second']:>9} {r['applied']:>8} "
        f"{r['median_ms']:>10.3f} {r['p99_ms']:>8.3f} {r['max_ms']:>8.3f}"
        for r in results.latency
    )
    for title, section in (
        ("CPU per notification", results.cpu),
        ("Fan-out", results.fanout),
        ("Push against polling", results.polling),
        ("Churn", results.churn),
        ("Startup", results.startup),
    ):
        lines.append("")
        lines.append(title)
        lines.extend(f"  {key:<36} {value}" for key, value in section.items())
    return "\n".join(lines)
