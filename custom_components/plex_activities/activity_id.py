"""An activity sensor's identity: its unique id, the uuid behind it, its registry entry.

Every entity's unique id is `<machine identifier>_<key>`; an activity sensor's key is
`activity_<uuid>`. This module is the one place that spells that out; the sensor
platform, the cancel action and the tests go through it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from homeassistant.core import callback

from .const import DOMAIN

if TYPE_CHECKING:
    from homeassistant.helpers import entity_registry as er

ACTIVITY_KEY_PREFIX: Final = "activity_"


def entity_unique_id(machine_identifier: str, key: str) -> str:
    """Return the unique id of one of a server's entities."""
    return f"{machine_identifier}_{key}"


def activity_key(uuid: str) -> str:
    """Return the key of an activity's sensor among its server's entities."""
    return f"{ACTIVITY_KEY_PREFIX}{uuid}"


def activity_unique_id(machine_identifier: str, uuid: str) -> str:
    """Return the unique id of an activity's sensor."""
    return entity_unique_id(machine_identifier, activity_key(uuid))


def uuid_from_unique_id(machine_identifier: str, unique_id: str) -> str | None:
    """Return the activity uuid of an activity sensor's unique id, else None."""
    prefix = activity_unique_id(machine_identifier, "")
    return unique_id.removeprefix(prefix) if unique_id.startswith(prefix) else None


def activity_entity_id(
    registry: er.EntityRegistry, machine_identifier: str, uuid: str
) -> str | None:
    """Return the entity id of an activity's sensor, if it is registered."""
    return registry.async_get_entity_id(
        "sensor", DOMAIN, activity_unique_id(machine_identifier, uuid)
    )


@callback
def forget_entity(registry: er.EntityRegistry, entity_id: str) -> None:
    """Remove an activity sensor from the registry, tombstone included.

    The registry keeps a record of every removed entity so that one coming back gets
    its old settings; an activity's uuid never comes back, so that record would only
    pile up (in memory and in `.storage`) with every activity that ever ran.
    """
    if (entry := registry.async_get(entity_id)) is None:
        return
    registry.async_remove(entity_id)
    registry.deleted_entities.pop((entry.domain, entry.platform, entry.unique_id), None)


@callback
def forget_activity(
    registry: er.EntityRegistry, machine_identifier: str, uuid: str
) -> None:
    """Remove an activity's sensor from the registry, if it is registered.

    Found by its unique id, so whatever entity id the user gave it.
    """
    if entity_id := activity_entity_id(registry, machine_identifier, uuid):
        forget_entity(registry, entity_id)
