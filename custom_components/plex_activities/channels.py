"""How the notification channels fare: the repair issue's details and the diagnostics."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .api import Transport

if TYPE_CHECKING:
    from .api import ListenerStats

_COUNTERS = ("connects", "failed_attempts", "frames", "events", "keepalives")


def channel_errors(stats: ListenerStats) -> dict[str, str]:
    """Return how each channel failed last, as the repair issue's placeholders."""
    return {
        f"{transport}_error": stats.last_errors.get(transport, "not tried yet")
        for transport in Transport
    }


def channel_diagnostics(stats: ListenerStats) -> dict[str, Any]:
    """Return the transport in use and the counters and last error of each."""
    return {
        "transport": str(stats.transport),
        "by_transport": {
            str(transport): {
                **{name: stats.by_transport[transport][name] for name in _COUNTERS},
                "last_error": stats.last_errors.get(transport),
            }
            for transport in Transport
        },
    }
