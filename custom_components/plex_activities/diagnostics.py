"""Diagnostics: what a bug report needs, with the token redacted."""

from __future__ import annotations

from dataclasses import asdict
import time
from typing import TYPE_CHECKING, Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_TOKEN

from .attributes import activity_attributes
from .channels import channel_diagnostics
from .const import CONF_ACCOUNT_TOKEN

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from .coordinator import PlexActivitiesConfigEntry

TO_REDACT = {CONF_TOKEN, CONF_ACCOUNT_TOKEN}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: PlexActivitiesConfigEntry
) -> dict[str, Any]:
    """Return diagnostics for a config entry."""
    coordinator = entry.runtime_data
    stats = coordinator.listener.stats
    last_message_age = (
        None
        if stats.last_message_at is None
        else round(time.monotonic() - stats.last_message_at, 1)
    )
    return {
        "entry": async_redact_data(entry.as_dict(), TO_REDACT),
        "server": asdict(coordinator.server),
        "server_available": coordinator.last_update_success,
        "libraries": {
            key: {**asdict(section), "scanned_at": str(section.scanned_at)}
            for key, section in coordinator.libraries.items()
        },
        "activities": [
            {
                **activity_attributes(tracked, coordinator.libraries),
                "context": dict(tracked.activity.context),
                "response": dict(tracked.activity.response),
            }
            for tracked in coordinator.activities.values()
        ],
        "listener": {
            "connected": stats.connected,
            "connects": stats.connects,
            "reconnects": stats.reconnects,
            "failed_attempts": stats.failed_attempts,
            "frames": stats.frames,
            "events": stats.events,
            "skipped_frames": dict(stats.skipped),
            "last_message_age_seconds": last_message_age,
            "last_error": stats.last_error,
            **channel_diagnostics(stats),
        },
    }
