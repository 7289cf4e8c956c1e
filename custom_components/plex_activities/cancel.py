"""Cancelling an activity: Plex's answer becomes a translated error for the action."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .api import (
    PlexAuthenticationError,
    PlexError,
    PlexNotAllowedError,
    PlexNotCancellableError,
    PlexNotFoundError,
)
from .const import DOMAIN

if TYPE_CHECKING:
    from .coordinator import PlexActivitiesCoordinator


async def async_cancel(coordinator: PlexActivitiesCoordinator, uuid: str) -> None:
    """Cancel an activity, raising translated errors for the action."""
    tracked = coordinator.activities.get(uuid)
    refused = "not_cancellable"  # what Plex or the activity says, unless it went
    if tracked is None or tracked.activity.cancellable:
        try:
            await coordinator.client.cancel_activity(uuid)
        except PlexNotCancellableError:
            pass
        except PlexNotFoundError:
            refused = "activity_not_found"
        except PlexNotAllowedError:
            # Someone else's activity on a server shared with this account: no reauth.
            refused = "cancel_not_allowed"
        except PlexAuthenticationError as err:
            coordinator.config_entry.async_start_reauth(coordinator.hass)
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key="cancel_auth_failed"
            ) from err
        except PlexError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="cancel_failed",
                translation_placeholders={"error": str(err)},
            ) from err
        else:
            refused = ""
        if refused in ("", "activity_not_found"):
            await _async_show_ended(coordinator, uuid)
    if refused:
        title = tracked.activity.title if tracked else ""
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key=refused,
            translation_placeholders={"activity_id": uuid}
            if refused == "activity_not_found"
            else {"title": title or uuid},
        )


async def _async_show_ended(coordinator: PlexActivitiesCoordinator, uuid: str) -> None:
    """Show that a cancelled (or already gone) activity is over."""
    if coordinator.last_update_success and coordinator.listener.stats.connected:
        # Plex confirms with an `ended` notification; don't wait for it.
        coordinator.tracker.end_now(uuid)
        return
    # Otherwise REST tells: a resync that works makes the entities available before
    # the `ended` fires. Ended here, it would fire on an unavailable event entity (no
    # notifications), or on one whose last state is unavailable (notifications back,
    # their resync under way): either way no automation sees it.
    await coordinator.async_refresh()
