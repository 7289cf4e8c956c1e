"""Measurements of the real integration against the simulator over loopback.

Everything runs in one event loop (Home Assistant, the integration and the simulator),
as in Home Assistant's own test harness. Figures are wall-clock (perf_counter) and
process CPU time; the simulator's own cost is measured separately where it matters.
Each timing is judged as a ratio to a reference cost measured just before in the same
run (``benchmarks/reference.py``); the absolute figures are printed beside it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
import gc
import statistics
import time
from typing import TYPE_CHECKING, Any

from homeassistant.const import CONF_TOKEN
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er

from benchmarks.reference import (
    BARE_NOTIFICATION_TYPE,
    BarePushClient,
    frame_parse_us,
    state_write_us,
)
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

# Targets (checked by the full benchmark only). Timings are ratios to reference costs
# measured in the same run (benchmarks/reference.py), so that the machine's speed at the
# moment does not decide; the absolute figures are printed beside them.
# Push latency at 1,000 activities and 100 frames/s, against a bare push client's in the
# same moments: median and p99.
TARGET_MEDIAN_OVER_BARE = 2.0
TARGET_P99_OVER_BARE = 5.0
# Integration CPU per notification, in bare state writes.
TARGET_CPU_IN_STATE_WRITES = 40.0
TARGET_RSS_MB = 10.0
# The CPU bursts run in rounds, with bare state writes timed before each.
CPU_ROUNDS = 10
TARGET_SAFETY_POLLS = 2


@dataclass
class Results:
    """All figures, as printed and written to JSON."""

    reference: dict[str, Any] = field(default_factory=dict)
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


def _latencies_ms(watch: StateWatch) -> dict[str, float]:
    """Return the median, p99 and max of the latencies a watch recorded, in ms."""
    latencies_ms = [value * 1000 for value in watch.latencies]
    return {
        "median_ms": round(statistics.median(latencies_ms), 3),
        "p99_ms": round(percentile(latencies_ms, 0.99), 3),
        "max_ms": round(max(latencies_ms), 3),
    }


async def _send_paired(
    simulator: PlexSimulator,
    progress: dict[str, int],
    rate: int,
    seconds: float,
    *,
    bare: BarePushClient,
    expect: Callable[[str, int], tuple[str, str]],
    watches: tuple[StateWatch, StateWatch],
) -> int:
    """Update the activities in turn at `rate` frames/s, each followed by a bare frame.

    The integration's frame goes out at the start of each tick and the bare client's
    copy half a tick later, so the two pipelines run in the same moments without
    queueing behind each other. `progress` maps each activity to its last progress
    (updated here), so that every update changes it; `expect(uuid, progress)` names
    the state write an update must cause. `watches` (integration, bare) time each from
    just before its frame is queued. Returns the frames sent to each.
    """
    integration_watch, bare_watch = watches
    uuids = list(progress)
    frames = int(rate * seconds)
    per_tick = max(1, rate // 200)  # send in ticks of at most 5 ms
    tick = per_tick / rate
    start = time.perf_counter()
    for first in range(0, frames, per_tick):
        sent = []
        for index in range(first, min(first + per_tick, frames)):
            uuid = uuids[index % len(uuids)]
            value = progress[uuid] = progress[uuid] % 99 + 1
            integration_watch.waiting[expect(uuid, value)] = time.perf_counter()
            simulator.update_activity(uuid, progress=value)
            sent.append((uuid, value))
        tick_start = start + first / per_tick * tick
        await asyncio.sleep(max(0.0, tick_start + tick / 2 - time.perf_counter()))
        for uuid, value in sent:
            bare_watch.waiting[bare.expected_state(uuid, value)] = time.perf_counter()
            bare.send(uuid, value)
        await asyncio.sleep(max(0.0, tick_start + tick - time.perf_counter()))
    return frames


def _sensor_attributes(hass: HomeAssistant, uuid: str) -> dict[str, Any]:
    """Return the attributes of an activity's sensor (for the reference writes)."""
    entity_id = activity_entity_id(hass, uuid)
    assert entity_id is not None
    state = hass.states.get(entity_id)
    assert state is not None
    return dict(state.attributes)


async def measure_reference(
    hass: HomeAssistant, simulator: PlexSimulator, results: Results
) -> None:
    """The cost of a bare state write and of parsing a frame, before anything else."""
    (uuid,) = await ensure_activities(hass, simulator, 1)
    attributes = _sensor_attributes(hass, uuid)
    results.reference = {
        "state_write_us": round(await state_write_us(hass, attributes), 2),
        "frame_parse_us": round(frame_parse_us(simulator.activities[uuid]), 2),
    }


async def measure_latency(
    hass: HomeAssistant,
    simulator: PlexSimulator,
    entry: MockConfigEntry,
    scale: Scale,
    results: Results,
    *,
    transport: str = "websocket",
) -> None:
    """Push latency: frame queued by the simulator -> new state in the state machine.

    A bare push client (``benchmarks/reference.py``) gets a frame of its own half a
    tick after each of the integration's, in the same run: its latency is the
    reference the integration's is judged against.
    """
    for count in scale.activity_counts:
        uuids = await ensure_activities(hass, simulator, count)
        entity_ids: dict[str, str] = {}
        for uuid in uuids:
            entity_id = activity_entity_id(hass, uuid)
            assert entity_id is not None
            entity_ids[uuid] = entity_id
        attributes = _sensor_attributes(hass, uuids[0])
        activities = simulator.activities
        progress = {uuid: activities[uuid]["progress"] for uuid in uuids}
        for rate in scale.rates:
            watches = (StateWatch(hass), StateWatch(hass))
            async with BarePushClient(
                hass,
                simulator,
                entry.data[CONF_TOKEN],
                attributes,
                notification_type=BARE_NOTIFICATION_TYPE,
            ) as bare:
                frames = await _send_paired(
                    simulator,
                    progress,
                    rate,
                    scale.latency_seconds,
                    bare=bare,
                    expect=lambda uuid, value, entity_ids=entity_ids: (
                        entity_ids[uuid],
                        str(value),
                    ),
                    watches=watches,
                )
                await simulator.flush()
                await wait_for(
                    hass, lambda bare=bare, frames=frames: bare.received >= frames
                )
            await settle(hass, simulator)
            for watch in watches:
                watch.close()
            figures = _latencies_ms(watches[0])
            reference = _latencies_ms(watches[1])
            assert len(watches[1].latencies) == frames
            results.latency.append(
                {
                    "transport": transport,
                    "activities": count,
                    "frames_per_second": rate,
                    "frames": frames,
                    "applied": len(watches[0].latencies),
                    **figures,
                    "bare_median_ms": reference["median_ms"],
                    "bare_p99_ms": reference["p99_ms"],
                    "median_over_bare": round(
                        figures["median_ms"] / reference["median_ms"], 2
                    ),
                    "p99_over_bare": round(figures["p99_ms"] / reference["p99_ms"], 2),
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
    frames: range,
    applied: Callable[[], bool],
) -> float:
    """Send updates as fast as the loop allows; return CPU seconds used.

    `frames` numbers the updates within the whole measurement, so that successive
    bursts keep changing every activity.
    """
    cpu = time.process_time()
    for index in frames:
        uuid = uuids[index % len(uuids)]
        simulator.update_activity(uuid, progress=index % 99 + 1)
        if index % 500 == 499:
            await asyncio.sleep(0)
    await simulator.flush()
    await wait_for(hass, applied, timeout=120)
    await hass.async_block_till_done()
    return time.process_time() - cpu


async def _bursts_beside_writes(
    hass: HomeAssistant,
    simulator: PlexSimulator,
    uuids: list[str],
    frames: int,
    *,
    applied: Callable[[int], bool],
    attributes: dict[str, Any],
) -> tuple[float, float]:
    """Send `frames` updates in rounds, each just after bare state writes are timed.

    Returns the CPU µs per update and the mean CPU µs of one bare state write, measured
    in the same moments (the machine's speed changes over a burst of seconds).
    """
    burst_cpu = 0.0
    writes_us = []
    per_round = -(-frames // CPU_ROUNDS)
    for first in range(0, frames, per_round):
        gc.collect()
        writes_us.append(await state_write_us(hass, attributes, writes=200, batches=5))
        last = min(frames, first + per_round)
        burst_cpu += await _burst(
            hass, simulator, uuids, range(first, last), lambda last=last: applied(last)
        )
    return burst_cpu / frames * 1e6, statistics.mean(writes_us)


async def measure_cpu(
    hass: HomeAssistant,
    simulator: PlexSimulator,
    entry: MockConfigEntry,
    scale: Scale,
    results: Results,
) -> None:
    """CPU per notification, with the simulator's own cost measured and subtracted.

    Each is also expressed in bare state writes timed between its rounds.
    """
    uuids = list(simulator.activities)
    frames = scale.cpu_frames
    attributes = _sensor_attributes(hass, uuids[0])
    total_us, total_write_us = await _bursts_beside_writes(
        hass,
        simulator,
        uuids,
        frames,
        applied=lambda _sent: frames_applied(hass, simulator),
        attributes=attributes,
    )

    # The same bursts to a bare websocket client that only reads the frames.
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    await simulator.wait_for_websocket_count(0)
    async with BarePushClient(hass, simulator, entry.data[CONF_TOKEN]) as client:
        simulator_us, simulator_write_us = await _bursts_beside_writes(
            hass,
            simulator,
            uuids,
            frames,
            applied=lambda sent: client.received >= sent,
            attributes=attributes,
        )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await simulator.wait_for_websockets(1)
    await settle(hass, simulator)
    results.cpu = {
        "activities": len(uuids),
        "frames": frames,
        "total_us_per_frame": round(total_us, 1),
        "simulator_us_per_frame": round(simulator_us, 1),
        "integration_us_per_frame": round(total_us - simulator_us, 1),
        "state_write_us": round(total_write_us, 2),
        "simulator_state_write_us": round(simulator_write_us, 2),
        "integration_in_state_writes": round(
            total_us / total_write_us - simulator_us / simulator_write_us, 2
        ),
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


def _reference_write(results: Results) -> float:
    """Return the bare state write measured at the start of the run, in µs."""
    return float(results.reference["state_write_us"])


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
        "lifecycle_in_state_writes": round(
            elapsed / scale.churn_lifecycles * 1e6 / _reference_write(results), 1
        ),
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
    elapsed = time.perf_counter() - start
    results.startup = {
        "activities": scale.startup_activities,
        "seconds_to_all_states": round(elapsed, 3),
        "per_activity_in_state_writes": round(
            elapsed / scale.startup_activities * 1e6 / _reference_write(results), 1
        ),
    }


async def run(
    hass: HomeAssistant,
    simulator: PlexSimulator,
    entry: MockConfigEntry,
    scale: Scale,
) -> Results:
    """Run every measurement in order on one loaded config entry."""
    results = Results()
    await measure_reference(hass, simulator, results)
    await measure_latency(hass, simulator, entry, scale, results)
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
    # The listener tries the websocket again only after minutes; until then the bare
    # reference client may use one.
    simulator.websocket_enabled = True
    await measure_latency(
        hass, simulator, entry, scale, results, transport="eventsource"
    )
    assert listener.transport == "eventsource"
    # Back to the websocket at once (a new listener) instead of in 10 minutes.
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    listener = entry.runtime_data.listener
    await wait_for(
        hass, lambda: listener.stats.connected and listener.transport == "websocket"
    )
    await settle(hass, simulator)


def _missed_latency_targets(results: Results) -> list[str]:
    """Return the push latency targets that the figures miss, per transport."""
    missed = []
    for transport in ("websocket", "eventsource"):
        at_1000 = [
            r
            for r in results.latency
            if r["activities"] == 1000
            and r["frames_per_second"] == 100
            and r["transport"] == transport
        ]
        for figure, target in (
            ("median", TARGET_MEDIAN_OVER_BARE),
            ("p99", TARGET_P99_OVER_BARE),
        ):
            if not at_1000 or at_1000[0][f"{figure}_over_bare"] > target:
                missed.append(
                    f"push {figure} over the {transport} at 1,000 activities and "
                    f"100 frames/s > {target}x a bare push client's"
                )
    return missed


def missed_targets(results: Results) -> list[str]:
    """Return the targets that the figures miss."""
    missed = _missed_latency_targets(results)
    if results.cpu["integration_in_state_writes"] > TARGET_CPU_IN_STATE_WRITES:
        missed.append(
            "integration CPU per notification > "
            f"{TARGET_CPU_IN_STATE_WRITES} bare state writes"
        )
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
        f"{'transport':>11} {'activities':>10} {'frames/s':>9} {'applied':>8} "
        f"{'median ms':>10} "
        f"{'p99 ms':>8} {'max ms':>8} {'bare med':>9} {'bare p99':>9} "
        f"{'med/bare':>9} {'p99/bare':>9}"
    )
    lines.extend(
        f"{r['transport']:>11} {r['activities']:>10} {r['frames_per_second']:>9} "
        f"{r['applied']:>8} {r['median_ms']:>10.3f} {r['p99_ms']:>8.3f} {r['max_ms']:>8.3f} "
        f"{r['bare_median_ms']:>9.3f} {r['bare_p99_ms']:>9.3f} "
        f"{r['median_over_bare']:>9.2f} {r['p99_over_bare']:>9.2f}"
        for r in results.latency
    )
    for title, section in (
        ("Reference costs (same run)", results.reference),
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
