"""The seeded chaos driver: random activity changes and faults, checked when quiet."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field, fields
import random
import time
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import CONF_TOKEN, STATE_UNAVAILABLE
from homeassistant.exceptions import HomeAssistantError

from custom_components.plex_activities.const import (
    ATTR_ACTIVITY_ID,
    ATTR_CONFIG_ENTRY_ID,
    DOMAIN,
    SERVICE_CANCEL,
)
from tests.const import TOKEN
from tests.helpers import activity_entity_id, frames_applied
from tests.reliability.common import SUMMARY

from .checks import EventWitness, LogWatch, Trace, mirror_problems
from .faults import (
    INSTANT_FAULTS,
    LASTING_FAULTS,
    Channel,
    FaultKind,
    open_channels,
    wait_for_channel,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    import pytest
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.plex_activities.api import ListenerStats
    from plex_simulator import PlexSimulator
    from plex_simulator.notifications import QueuedConnection

ACTIVITY_TYPES = (
    ("library.update.section", "Scanning"),
    ("library.refresh.items", "Refreshing metadata"),
    ("media.generate.intros", "Detecting intros"),
    ("butler", "Optimizing database"),
    ("provider.epg.load", "Loading guide"),
)
MAX_RUNNING = 8
# How long Home Assistant may take to show the server's state once the faults are over
# (a reconnect, a resync, a reload after re-authentication) on a loaded machine.
CONVERGE_TIMEOUT = 30.0
# How soon the listener must give up a silent channel (its keepalive, scaled down).
SILENCE_NOTICED_WITHIN = 15.0
# While the server is unavailable and the websocket is up, Home Assistant recovers at
# its next scheduled poll; the soak lets one come this often.
POLL_EVERY = 1.0
FAULT_KINDS = {kind.name: kind for kind in (*INSTANT_FAULTS, *LASTING_FAULTS)}
# How often each fault is picked, relative to the others.
FAULT_WEIGHTS = {
    "websocket_drop": 3,
    "server_restart": 2,
    "refused_upgrade": 2,
    "websocket_silence": 2,
    "eventsource_silence": 2,
    "server_error": 2,
    "slow_response": 2,
    "library_failure": 2,
    "token_revoked": 1,
}


@dataclass
class Figures:
    """What a soak run did."""

    seed: int
    steps: int = 0
    quiet_periods: int = 0
    longest_catch_up: float = 0.0
    actions: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
    divergences: list[str] = field(default_factory=list)
    # What happened before the first quiet period that found a divergence.
    trace: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Return the figures as JSON-ready data."""
        # Not asdict(): it would rebuild each Counter from its (key, count) pairs.
        return {
            **{f.name: getattr(self, f.name) for f in fields(self)},
            "actions": dict(self.actions),
            "faults": dict(self.faults),
        }


class ChaosSoak:
    """Drives the simulator and Home Assistant at random; checks after quiet periods."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: MockConfigEntry,
        simulator: PlexSimulator,
        caplog: pytest.LogCaptureFixture,
        seed: int,
    ) -> None:
        """Prepare a run; nothing happens until `run`."""
        self.hass = hass
        self.entry = entry
        self.simulator = simulator
        self.rng = random.Random(seed)
        self.figures = Figures(seed=seed)
        self.trace = Trace(self.figures)
        self.witness = EventWitness(self.trace)
        self.logs = LogWatch(caplog, secrets={TOKEN})
        self._lasting: dict[str, tuple[FaultKind, int]] = {}
        self._background: set[asyncio.Task[None]] = set()
        self._new_token: str | None = None
        self._serial = 0
        self._last_poll = 0.0
        self._reported: set[str] = set()
        # Problems found between quiet periods, reported at the next one.
        self._problems: list[str] = []

    # --- the run -----------------------------------------------------------------

    async def run(self, *, steps: int, seconds: float | None = None) -> Figures:
        """Run `steps` steps (or until `seconds` passed), then a last quiet period."""
        stop_at = None if seconds is None else time.monotonic() + seconds
        unsubscribe = self.witness.start(self.hass)
        try:
            until_quiet = self.rng.randint(6, 20)
            while self.figures.steps < steps and (
                stop_at is None or time.monotonic() < stop_at
            ):
                await self._step()
                until_quiet -= 1
                if until_quiet <= 0:
                    await self._quiet_period()
                    until_quiet = self.rng.randint(6, 20)
            await self._quiet_period()
        finally:
            unsubscribe()
            await self._end_faults()
        return self.figures

    async def _step(self) -> None:
        self.figures.steps += 1
        choice = self.rng.choices(
            ["start", "update", "end", "cancel", "poll", "pause", "fault"],
            weights=[16, 26, 10, 8, 4, 10, 10],
        )[0]
        running = sorted(self.simulator.activities)
        if choice == "start" and len(running) >= MAX_RUNNING:
            choice = "end"
        if choice in {"update", "end", "cancel"} and not running:
            choice = "start"
        self.figures.actions[choice] += 1
        uuid = self.rng.choice(running) if running else ""
        if choice == "start":
            uuid = self._start()
        elif choice == "update":
            self._update(uuid)
        elif choice == "end":
            self.simulator.end_activity(uuid)
        elif choice == "cancel":
            await self._cancel(uuid)
        elif choice == "poll":
            self._poll()
        elif choice == "pause":
            await asyncio.sleep(self.rng.choice([0.02, 0.1, 0.3, 0.6]))
        else:
            await self._fault()
        if choice in {"start", "update", "end"}:
            self.trace.note(f"{choice} {uuid}")
        await self._tick_faults()
        await asyncio.sleep(self.rng.choice([0, 0, 0.005, 0.02]))

    # --- activities ----------------------------------------------------------------

    def _start(self) -> str:
        self._serial += 1
        activity_type, title = self.rng.choice(ACTIVITY_TYPES)
        section = self.rng.choice(["1", "2", "3", "4", "9", None])
        return self.simulator.start_activity(
            uuid=f"soak-{self.figures.seed}-{self._serial}",
            type=activity_type,
            title=f"{title} {self._serial}",
            progress=-1 if activity_type == "butler" else self.rng.randint(0, 30),
            cancellable=self.rng.random() < 0.7,
            context={"librarySectionID": section} if section else None,
        )

    def _update(self, uuid: str) -> None:
        activity = self.simulator.activities[uuid]
        progress = activity["progress"]
        self.simulator.update_activity(
            uuid,
            progress=progress if progress < 0 else min(100, progress + 7),
            subtitle=f"item {self.rng.randint(1, 999)}",
        )

    async def _cancel(self, uuid: str) -> None:
        """Cancel through the action, by entity or by id; Plex's refusals are fine."""
        entity_id = activity_entity_id(self.hass, uuid)
        if entity_id is not None and self.rng.random() < 0.7:
            data: dict[str, Any] = {"entity_id": entity_id}
        else:
            data = {ATTR_CONFIG_ENTRY_ID: self.entry.entry_id, ATTR_ACTIVITY_ID: uuid}
        try:
            await self.hass.services.async_call(
                DOMAIN, SERVICE_CANCEL, data, blocking=True
            )
        except HomeAssistantError as err:
            outcome = f"cancel refused: {err.translation_key}"
        else:
            outcome = "cancel done"
        self.figures.actions[outcome] += 1
        self.trace.note(f"{outcome} {uuid}")

    def _poll(self) -> None:
        """Let a scheduled poll happen now (it runs alongside what follows)."""
        if self.entry.state is not ConfigEntryState.LOADED:
            return
        self._last_poll = time.monotonic()
        coordinator = self.entry.runtime_data
        self.entry.async_create_background_task(
            self.hass, coordinator.async_refresh(), "soak poll"
        )

    # --- faults --------------------------------------------------------------------

    async def _fault(self) -> None:
        name = self.rng.choices(list(FAULT_WEIGHTS), weights=FAULT_WEIGHTS.values())[0]
        if name == "token_revoked":
            self._revoke_token()
        elif name == "websocket_silence":
            self._silence("websocket")
        elif name == "eventsource_silence":
            self._silence("eventsource")
        elif (kind := FAULT_KINDS[name]).undo is None:
            self.figures.faults[name] += 1
            self.trace.note(f"fault {name}")
            await kind.inject(self.simulator, self.rng)
        elif name not in self._lasting:
            self.figures.faults[name] += 1
            self.trace.note(f"fault {name}")
            await kind.inject(self.simulator, self.rng)
            self._lasting[name] = (kind, self.rng.randint(2, 10))

    async def _tick_faults(self) -> None:
        for name, (kind, left) in list(self._lasting.items()):
            if left > 1:
                self._lasting[name] = (kind, left - 1)
            else:
                del self._lasting[name]
                self.trace.note(f"fault {name} over")
                if kind.undo is not None:
                    kind.undo(self.simulator)
        if self._new_token is not None and self.rng.random() < 0.2:
            await self._reauthenticate(wait=0.0)

    def _silence(self, channel: Channel) -> None:
        """The listener's channel dies silently; over once the client has given it up.

        The websocket goes silent only if the listener is on it; to silence the
        EventSource, the websocket is refused first if need be (the listener moves on).
        """
        simulator = self.simulator
        if self._background:  # one silence at a time
            return
        if channel == "websocket" and not open_channels(simulator, channel):
            return
        task = asyncio.get_running_loop().create_task(self._silent(channel))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _silent(self, channel: Channel) -> None:
        simulator = self.simulator
        refused = False
        # Only the connections open now play dead: the one the listener opens after
        # giving them up (or after a drop) must get its frames, or the updates sent
        # right after its resync are lost while the connection looks alive.
        silenced: list[QueuedConnection] = []
        try:
            if channel == "eventsource" and not open_channels(simulator, channel):
                refused = simulator.websocket_enabled
                await FAULT_KINDS["refused_upgrade"].inject(simulator, self.rng)
                await wait_for_channel(simulator, channel, timeout=5.0)
            stats = self._listener_stats()
            if stats is None or not (stats.connected and stats.transport == channel):
                return  # nothing to silence: the listener is between connections
            self.figures.faults[f"{channel}_silence"] += 1
            self.trace.note(f"fault {channel}_silence")
            silenced = open_channels(simulator, channel)
            for connection in silenced:
                connection.silent = True
            connects = stats.connects
            async with asyncio.timeout(SILENCE_NOTICED_WITHIN):
                # The listener's counters have no event to wait on. A reload (after
                # re-authentication) replaces the listener: then it is over too.
                while (  # noqa: ASYNC110
                    self._listener_stats() is stats
                    and stats.connected
                    and stats.connects == connects
                ):
                    await asyncio.sleep(0.02)
        except TimeoutError:
            self._problems.append(f"the listener kept a silent {channel} connection")
        finally:
            for connection in silenced:
                connection.silent = False
            if refused and "refused_upgrade" not in self._lasting:
                simulator.websocket_enabled = True

    def _listener_stats(self) -> ListenerStats | None:
        """Return the counters of the entry's notification listener, if loaded."""
        if self.entry.state is not ConfigEntryState.LOADED:
            return None
        return self.entry.runtime_data.listener.stats

    def _revoke_token(self) -> None:
        if self._new_token is not None:
            return
        self.figures.faults["token_revoked"] += 1
        self._serial += 1
        self._new_token = f"soak-token-{self.figures.seed}-{self._serial}"
        self.logs.secrets.add(self._new_token)
        # Plex answers 401 today; 403 and 498 are the statuses of expired tokens.
        self.simulator.auth_failure_status = self.rng.choice([401, 403, 498])
        self.simulator.revoke_token(self._new_token)
        self.trace.note(f"fault token_revoked ({self.simulator.auth_failure_status})")

    async def _reauthenticate(self, wait: float) -> bool:
        """Give Home Assistant the new token through its re-authentication flow."""
        flow_manager = self.hass.config_entries.flow
        deadline = time.monotonic() + wait
        while True:
            flows = [
                flow
                for flow in flow_manager.async_progress_by_handler(DOMAIN)
                if flow["context"]["source"] == SOURCE_REAUTH
            ]
            if flows or time.monotonic() >= deadline:
                break
            await asyncio.sleep(0.05)
        if not flows:
            return False
        flow_id = flows[0]["flow_id"]
        if flows[0]["step_id"] == "reauth":  # the menu: sign in, or type a token
            await flow_manager.async_configure(
                flow_id, {"next_step_id": "reauth_confirm"}
            )
        result = await flow_manager.async_configure(
            flow_id, {CONF_TOKEN: self._new_token}
        )
        if result.get("reason") != "reauth_successful":
            return False
        self.figures.actions["reauthenticated"] += 1
        self.trace.note("reauthenticated")
        self._new_token = None
        await self.hass.async_block_till_done()
        self.witness.reloaded(self.simulator.activities)
        return True

    async def _end_faults(self) -> None:
        for kind, _left in self._lasting.values():
            if kind.undo is not None:
                kind.undo(self.simulator)
        self._lasting.clear()
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)

    # --- quiet periods -------------------------------------------------------------

    async def _quiet_period(self) -> None:
        """End every fault, let Home Assistant catch up, and check everything."""
        self.figures.quiet_periods += 1
        started = time.monotonic()
        await self._end_faults()
        problems: list[str] = []
        if self._new_token is not None and not await self._reauthenticate(wait=20):
            problems.append("re-authentication with the new token did not work")
        problems += await self._converge()
        self.figures.longest_catch_up = max(
            self.figures.longest_catch_up, time.monotonic() - started
        )
        problems += self.witness.problems(self.simulator.activities)
        problems += self.logs.problems()
        problems += self._problems
        self._problems.clear()
        self.simulator.clear_requests()  # a long run would pile them up
        self.trace.note(f"quiet period: {len(problems)} problems")
        if problems and not self.figures.trace:
            self.figures.trace = self.trace.tail()
        # A problem that lasts is one divergence, not one per quiet period.
        new = [problem for problem in problems if problem not in self._reported]
        self._reported.update(new)
        self.figures.divergences.extend(
            f"seed {self.figures.seed}, step {self.figures.steps}: {problem}"
            for problem in new
        )

    async def _converge(self) -> list[str]:
        deadline = time.monotonic() + CONVERGE_TIMEOUT
        while True:
            await self.hass.async_block_till_done()
            problems = self._unsettled() + mirror_problems(
                self.hass, self.entry, self.simulator
            )
            if not problems:
                return []
            if time.monotonic() >= deadline:
                return problems
            await asyncio.sleep(0.05)

    def _unsettled(self) -> list[str]:
        """Return why Home Assistant is not done catching up (empty: it is)."""
        if self.entry.state is not ConfigEntryState.LOADED:
            return [f"the entry is {self.entry.state}"]
        if self.hass.config_entries.flow.async_progress_by_handler(DOMAIN):
            return ["a config flow is in progress"]
        coordinator = self.entry.runtime_data
        if not coordinator.listener.stats.connected:
            return ["the websocket is not connected"]
        if not frames_applied(self.hass, self.simulator):
            return ["frames are still on their way"]
        summary = self.hass.states.get(SUMMARY)
        if summary is None or summary.state == STATE_UNAVAILABLE:
            # Plex is back and the websocket up: the next scheduled poll recovers.
            if time.monotonic() - self._last_poll >= POLL_EVERY:
                self._poll()
            return ["the server is unavailable"]
        return []
