"""An activity sensor's identity: unique id and uuid are each other's inverse."""

from __future__ import annotations

from custom_components.plex_activities.activity_id import (
    activity_unique_id,
    entity_unique_id,
    uuid_from_unique_id,
)
from tests.const import MACHINE_IDENTIFIER


def test_unique_id_round_trip() -> None:
    """The uuid comes back out of the unique id; other entities have none."""
    unique_id = activity_unique_id(MACHINE_IDENTIFIER, "a_b-1")
    assert unique_id == f"{MACHINE_IDENTIFIER}_activity_a_b-1"
    assert uuid_from_unique_id(MACHINE_IDENTIFIER, unique_id) == "a_b-1"
    for key in ("activities", "events"):
        other = entity_unique_id(MACHINE_IDENTIFIER, key)
        assert uuid_from_unique_id(MACHINE_IDENTIFIER, other) is None
    assert uuid_from_unique_id("another-server", unique_id) is None
