"""The reference costs each timing of the benchmark is judged against, in the same run.

A shared machine runs the same code faster or slower from one minute to the next, so an
absolute figure fails or passes on the neighbours' load. Each timing is therefore divided
by the cost of the plainest work of its kind, measured moments before in the same process
and event loop: one bare state write (``hass.states.async_set`` with an activity sensor's
attributes), parsing one notification frame, and a bare push client that reads each frame,
parses it and writes one state.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from typing import TYPE_CHECKING, Any, Self

import aiohttp

from plex_simulator.notifications import notification_frame

if TYPE_CHECKING:
    from collections.abc import Mapping

    from homeassistant.core import HomeAssistant

    from plex_simulator import PlexSimulator

REFERENCE_ENTITY = "sensor.benchmark_reference"
# A notification type the integration does not subscribe to: the bare client's frames
# reach only the bare client.
BARE_NOTIFICATION_TYPE = "benchmark"


def _median_cpu_us(work: Any, repeat: int, batches: int = 7) -> float:
    """Return the median CPU µs of one call of ``work`` over several batches."""
    per_call = []
    for _batch in range(batches):
        cpu = time.process_time()
        for index in range(repeat):
            work(index)
        per_call.append((time.process_time() - cpu) / repeat * 1e6)
    return statistics.median(per_call)


async def state_write_us(
    hass: HomeAssistant,
    attributes: Mapping[str, Any],
    writes: int = 1000,
    batches: int = 7,
) -> float:
    """CPU µs of one bare state write carrying ``attributes`` (median of batches)."""
    await hass.async_block_till_done()

    def write(index: int) -> None:
        hass.states.async_set(REFERENCE_ENTITY, str(index % 100), attributes)

    cost = _median_cpu_us(write, writes, batches)
    hass.states.async_remove(REFERENCE_ENTITY)
    await hass.async_block_till_done()
    return cost


def frame_parse_us(activity: Mapping[str, Any], parses: int = 2000) -> float:
    """CPU µs of parsing one activity notification frame as JSON (median of batches)."""
    frame = notification_frame(
        "activity",
        "ActivityNotification",
        [{"event": "updated", "uuid": activity["uuid"], "Activity": dict(activity)}],
    )
    return _median_cpu_us(lambda _index: json.loads(frame), parses)


class BarePushClient:
    """The least a push client can do: read each frame and, if asked, apply it.

    Applying means parsing the frame and writing one state (``REFERENCE_ENTITY``, whose
    state is ``uuid:progress`` so that every update changes it).
    """

    def __init__(
        self,
        hass: HomeAssistant,
        simulator: PlexSimulator,
        token: str,
        attributes: Mapping[str, Any] | None = None,
        *,
        notification_type: str = "activity",
    ) -> None:
        """Prepare a client of ``notification_type`` frames.

        With ``attributes``, it applies each frame, writing them with the state.
        """
        self._hass = hass
        self._simulator = simulator
        self._token = token
        self._attributes = attributes
        self._type = notification_type
        self.received = 0
        self._session: aiohttp.ClientSession | None = None
        self._reader: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Self:
        """Connect (the integration must be unloaded) and start reading."""
        before = self._simulator.websocket_count
        self._session = aiohttp.ClientSession()
        websocket = await self._session.ws_connect(
            f"{self._simulator.url}/:/websockets/notifications?filters={self._type}",
            headers={"X-Plex-Token": self._token},
        )
        await self._simulator.wait_for_websockets(before + 1)
        self._reader = asyncio.create_task(self._read(websocket))
        return self

    async def __aexit__(self, *exc: object) -> None:
        """Stop reading and disconnect."""
        assert self._reader is not None
        assert self._session is not None
        self._reader.cancel()
        await asyncio.gather(self._reader, return_exceptions=True)
        count = self._simulator.websocket_count
        await self._session.close()
        await self._simulator.wait_for_websocket_count(count - 1)
        if self._hass.states.get(REFERENCE_ENTITY) is not None:
            self._hass.states.async_remove(REFERENCE_ENTITY)

    @staticmethod
    def expected_state(activity_uuid: str, progress: int) -> tuple[str, str]:
        """Return the state write that applying this update makes."""
        return REFERENCE_ENTITY, f"{activity_uuid}:{progress}"

    def send(self, activity_uuid: str, progress: int) -> None:
        """Have the simulator send this client an activity update of its own type."""
        activity = {
            "uuid": activity_uuid,
            "type": "library.update.section",
            "cancellable": False,
            "userID": 1,
            "title": "Scanning",
            "subtitle": "",
            "progress": progress,
        }
        self._simulator.send_notification(
            self._type,
            "ActivityNotification",
            [{"event": "updated", "uuid": activity_uuid, "Activity": activity}],
        )

    async def _read(self, websocket: aiohttp.ClientWebSocketResponse) -> None:
        async with websocket:
            async for message in websocket:
                if self._attributes is not None:
                    container = json.loads(message.data)["NotificationContainer"]
                    for entry in container.get("ActivityNotification", ()):
                        activity = entry["Activity"]
                        self._hass.states.async_set(
                            *self.expected_state(
                                activity["uuid"], activity["progress"]
                            ),
                            self._attributes,
                        )
                self.received += 1
