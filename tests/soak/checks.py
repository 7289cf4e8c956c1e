"""What the soak checks after each quiet period: mirror, events exactly once, logs."""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field
import logging
import re
import time
from typing import TYPE_CHECKING, Any, Final

from homeassistant.const import EVENT_STATE_CHANGED, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import Event, EventStateChangedData, callback

from tests.helpers import activity_entity_id, activity_sensor_ids
from tests.reliability.common import EVENT, SUMMARY, registered_uuids

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from homeassistant.core import HomeAssistant
    import pytest
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from plex_simulator import PlexSimulator

# The error-level lines the integration documents: a rejected token (Home Assistant's
# coordinator logs it once when a poll is refused, then re-authentication starts).
ALLOWED_ERRORS: Final = (
    re.compile(r"Authentication failed while fetching plex_activities .* data: "),
)


def expected_state(activity: dict[str, Any]) -> str:
    """Return the state an activity's sensor must show."""
    progress = activity["progress"]
    return STATE_UNKNOWN if progress < 0 else str(min(progress, 100))


def mirror_problems(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: PlexSimulator
) -> list[str]:
    """Return how Home Assistant differs from the server (empty: it shows exactly it)."""
    server = simulator.activities
    problems: list[str] = []
    registered = sorted(registered_uuids(hass, entry))
    if registered != sorted(server):
        problems.append(f"registry {registered} != server {sorted(server)}")
    coordinator = getattr(entry, "runtime_data", None)
    tracked = set() if coordinator is None else set(coordinator.activities)
    if tracked != set(server):
        problems.append(f"tracked {sorted(tracked)} != server {sorted(server)}")
    sensor_ids = activity_sensor_ids(hass)
    expected_ids = {activity_entity_id(hass, uuid) for uuid in server}
    if sensor_ids != expected_ids:
        problems.append(f"sensor states {sorted(sensor_ids)} != {expected_ids}")
    for uuid, activity in server.items():
        entity_id = activity_entity_id(hass, uuid)
        state = hass.states.get(entity_id) if entity_id else None
        if state is None:
            continue
        shown = (state.state, state.attributes.get("title"))
        if shown != (expected_state(activity), activity["title"]):
            problems.append(f"{entity_id} shows {shown} for {activity}")
    problems.extend(_summary_problems(hass, server))
    event_state = hass.states.get(EVENT)
    if event_state is None or event_state.state == STATE_UNAVAILABLE:
        problems.append(f"{EVENT} is {event_state}")
    return problems


def _summary_problems(hass: HomeAssistant, server: dict[str, Any]) -> list[str]:
    """Return how the Activities sensor differs from the server."""
    summary = hass.states.get(SUMMARY)
    if summary is None or summary.state != str(len(server)):
        return [f"{SUMMARY} is {summary and summary.state}, server has {len(server)}"]
    listed = {
        item["uuid"]: (item["progress"], item["title"], item["entity_id"])
        for item in summary.attributes.get("activities", [])
    }
    expected = {
        uuid: (
            None if activity["progress"] < 0 else activity["progress"],
            activity["title"],
            activity_entity_id(hass, uuid),
        )
        for uuid, activity in server.items()
    }
    if listed != expected:
        return [f"{SUMMARY} lists {listed}, expected {expected}"]
    return []


class Trace:
    """The last things that happened, to tell how a divergence came about."""

    def __init__(self, figures: Any, size: int = 200) -> None:
        """Keep the last `size` notes; each is stamped with the step number."""
        self._figures = figures
        self._notes: deque[str] = deque(maxlen=size)
        self._started = time.monotonic()

    def note(self, what: str) -> None:
        """Note something that happened now."""
        elapsed = time.monotonic() - self._started
        self._notes.append(f"{elapsed:7.2f}s step {self._figures.steps}: {what}")

    def tail(self) -> list[str]:
        """Return the notes kept, oldest first."""
        return list(self._notes)


@dataclass
class EventWitness:
    """Records what the event entity fired and which activities Home Assistant showed.

    An event is one new state of the event entity: a (re)added entity restores its last
    state, which is not a new event. A reload (after re-authentication) starts a new
    epoch: Home Assistant did not watch while the token was rejected, so activities
    found at the reload fire no `started`, and those that ended unwatched no `ended`.
    """

    trace: Trace
    fired: Counter[tuple[str, str]] = field(default_factory=Counter)
    # Events that automations never saw: fired while the entity was unavailable.
    hidden: list[str] = field(default_factory=list)
    _seen_states: set[tuple[str, str, str]] = field(default_factory=set)
    # The epoch in which Home Assistant last showed each activity.
    sighted: dict[str, int] = field(default_factory=dict)
    epoch: int = 0
    found_at_reload: set[str] = field(default_factory=set)

    def start(self, hass: HomeAssistant) -> Callable[[], None]:
        """Start recording; return the function that stops it."""
        return hass.bus.async_listen(EVENT_STATE_CHANGED, self._state_changed)

    @callback
    def _state_changed(self, event: Event[EventStateChangedData]) -> None:
        new_state = event.data["new_state"]
        if new_state is None or "uuid" not in new_state.attributes:
            return
        uuid = str(new_state.attributes["uuid"])
        if new_state.entity_id == EVENT:
            # As automations see it (the blueprint's trigger): a new time, not coming
            # back from unavailable; a re-added entity restores its last event.
            event_type = str(new_state.attributes.get("event_type"))
            key = (new_state.state, event_type, uuid)
            if new_state.state in {STATE_UNKNOWN, STATE_UNAVAILABLE} or (
                key in self._seen_states
            ):
                return
            self._seen_states.add(key)
            old_state = event.data["old_state"]
            if old_state is not None and old_state.state == STATE_UNAVAILABLE:
                self.hidden.append(f"{event_type} {uuid}")
                self.trace.note(f"event {event_type} {uuid} while unavailable")
                return
            self.fired[event_type, uuid] += 1
            self.trace.note(f"event {event_type} {uuid}")
        self.sighted[uuid] = self.epoch

    def reloaded(self, running: Iterable[str]) -> None:
        """Start a new epoch: the entry was reloaded with these activities running."""
        self.epoch += 1
        for uuid in running:
            self.found_at_reload.add(uuid)
            self.sighted[uuid] = self.epoch

    def problems(self, server: Iterable[str]) -> list[str]:
        """Return the activities whose events were not fired exactly once."""
        running = set(server)
        problems = [
            f"{event} fired while {EVENT} was unavailable" for event in self.hidden
        ]
        self.hidden.clear()
        problems += [
            f"{event_type} fired {count} times for {uuid}"
            for (event_type, uuid), count in self.fired.items()
            if count > 1
        ]
        for uuid, epoch in self.sighted.items():
            started = self.fired["started", uuid]
            ended = self.fired["ended", uuid]
            if uuid in running and ended:
                problems.append(f"ended fired for {uuid}, which still runs")
            if not started and uuid not in self.found_at_reload:
                problems.append(f"started never fired for {uuid}")
            if uuid not in running and not ended and epoch == self.epoch:
                problems.append(f"ended never fired for {uuid}, which is over")
        return problems


@dataclass
class LogWatch:
    """Checks the log records of each period: no error but the documented ones, no token."""

    caplog: pytest.LogCaptureFixture
    secrets: set[str] = field(default_factory=set)

    def problems(self) -> list[str]:
        """Return the records of the period that break the rules, and forget them all."""
        problems: list[str] = []
        for record in self.caplog.records:
            message = record.getMessage()
            text = f"{message}\n{record.exc_text or ''}"
            if any(secret in text for secret in self.secrets):
                problems.append(f"a token appeared in a log record of {record.name}")
            if (
                record.levelno >= logging.ERROR
                and not any(allowed.match(message) for allowed in ALLOWED_ERRORS)
                and not _simulator_saw_client_leave(record)
            ):
                problems.append(f"error logged by {record.name}: {message}")
        self.caplog.clear()
        return problems


def _simulator_saw_client_leave(record: logging.LogRecord) -> bool:
    """Tell whether a record is the simulator's server noting a client that hung up.

    Plex's own logs are not Home Assistant's: when the integration gives up on a slow
    handshake, the simulator's aiohttp server logs the lost connection.
    """
    return (
        record.name == "aiohttp.server"
        and record.exc_info is not None
        and isinstance(record.exc_info[1], ConnectionError)
    )
