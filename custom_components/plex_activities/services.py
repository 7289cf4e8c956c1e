"""The `plex_activities.cancel` action."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, entity_registry as er
from homeassistant.helpers.service import (
    async_get_config_entry,
    async_register_admin_service,
)
import voluptuous as vol

from .activity_id import uuid_from_unique_id
from .cancel import async_cancel
from .const import ATTR_ACTIVITY_ID, ATTR_CONFIG_ENTRY_ID, DOMAIN, SERVICE_CANCEL
from .endings import cancelling

if TYPE_CHECKING:
    from .coordinator import PlexActivitiesConfigEntry

# At run time `voluptuous` is Home Assistant's probatio alias (2026.9+), but its stubs
# name voluptuous' own Schema, which Home Assistant's signatures no longer accept.
CANCEL_SCHEMA: Final[Any] = vol.Schema(
    {
        vol.Optional(ATTR_ENTITY_ID): cv.entity_ids,
        vol.Inclusive(ATTR_CONFIG_ENTRY_ID, "activity"): cv.string,
        vol.Inclusive(ATTR_ACTIVITY_ID, "activity"): cv.string,
    }
)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions (once, not per entry)."""
    async_register_admin_service(
        hass,
        DOMAIN,
        SERVICE_CANCEL,
        _async_cancel,
        schema=CANCEL_SCHEMA,
    )


async def _async_cancel(call: ServiceCall) -> None:
    """Cancel the targeted activities."""
    targets = [
        _target_of_entity(call.hass, entity_id)
        for entity_id in call.data.get(ATTR_ENTITY_ID, [])
    ]
    if ATTR_ACTIVITY_ID in call.data:
        entry: PlexActivitiesConfigEntry = async_get_config_entry(
            call.hass, DOMAIN, call.data[ATTR_CONFIG_ENTRY_ID]
        )
        targets.append((entry, call.data[ATTR_ACTIVITY_ID]))
    if not targets:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="missing_target"
        )
    for entry, uuid in targets:
        with cancelling(entry.runtime_data, uuid):
            await async_cancel(entry.runtime_data, uuid)


def _target_of_entity(
    hass: HomeAssistant, entity_id: str
) -> tuple[PlexActivitiesConfigEntry, str]:
    """Return the config entry and activity uuid behind an activity sensor."""
    registry_entry = er.async_get(hass).async_get(entity_id)
    if (
        registry_entry is not None
        and registry_entry.platform == DOMAIN
        and registry_entry.domain == "sensor"
        and registry_entry.config_entry_id is not None
    ):
        entry: PlexActivitiesConfigEntry = async_get_config_entry(
            hass, DOMAIN, registry_entry.config_entry_id
        )
        machine_identifier = entry.runtime_data.server.machine_identifier
        uuid = uuid_from_unique_id(machine_identifier, registry_entry.unique_id)
        if uuid is not None:
            return entry, uuid
    raise ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="not_an_activity",
        translation_placeholders={"entity_id": entity_id},
    )
