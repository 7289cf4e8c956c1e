"""Diagnostics: what a bug report gets, with the token redacted."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from syrupy.filters import props

from custom_components.plex_activities.diagnostics import (
    async_get_config_entry_diagnostics,
)
from tests.const import TOKEN
from tests.helpers import settle, wait_for

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry
    from syrupy.assertion import SnapshotAssertion

    from plex_simulator import PlexSimulator


def stable(data: dict[str, Any], simulator: PlexSimulator) -> Any:
    """Replace the simulator's random port so the snapshot is stable."""
    return json.loads(json.dumps(data).replace(simulator.url, "http://simulator"))


async def test_diagnostics(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: PlexSimulator,
    snapshot: SnapshotAssertion,
) -> None:
    """Entry (token redacted), server, activities and listener state."""
    # The resync after connecting lists the libraries again: the scan starts after it.
    await wait_for(
        hass,
        lambda: [r.path for r in simulator.requests].count("/library/sections") >= 2,
    )
    await hass.async_block_till_done()
    simulator.start_activity(
        uuid="5b3f9c1e-0000-4000-8000-000000000001",
        title="Scanning Movies",
        subtitle="Alien",
        progress=40,
        cancellable=True,
        context={"librarySectionID": "1"},
    )
    simulator.send_raw("{broken")
    await settle(hass, simulator)
    diagnostics = await async_get_config_entry_diagnostics(hass, init_integration)
    assert TOKEN not in json.dumps(diagnostics)
    assert diagnostics["entry"]["data"]["token"] == "**REDACTED**"
    assert diagnostics["listener"]["connected"] is True
    assert diagnostics["listener"]["skipped_frames"] == {"invalid_json": 1}
    assert diagnostics["listener"]["last_message_age_seconds"] is not None
    assert stable(diagnostics, simulator) == snapshot(
        exclude=props(
            "entry_id",
            "created_at",
            "modified_at",
            "started_at",
            "last_message_age_seconds",
        )
    )
