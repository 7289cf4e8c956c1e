"""The activity tracker on its own: pushes, snapshots and who hears what."""

from __future__ import annotations

from custom_components.plex_activities import tracker as tracker_module
from custom_components.plex_activities.api import (
    Activity,
    ActivityEvent,
    ActivityEventType,
)
from custom_components.plex_activities.tracker import (
    ActivityTracker,
    Lifecycle,
    TrackedActivity,
)

SCAN = "library.update.section"


def activity(uuid: str, progress: int = 0) -> Activity:
    """Return an activity with this progress."""
    return Activity(uuid=uuid, type=SCAN, title=f"Scan {uuid}", progress=progress)


def push(
    tracker: ActivityTracker, kind: ActivityEventType, uuid: str, progress: int = 0
) -> None:
    """Apply one pushed event."""
    tracker.apply_events([ActivityEvent(type=kind, activity=activity(uuid, progress))])


class Heard:
    """Records what the tracker's listeners are told."""

    def __init__(self, tracker: ActivityTracker) -> None:
        """Listen to lifecycles and to every update."""
        self.lifecycle: list[tuple[Lifecycle, str, int | None]] = []
        self.updates = 0
        tracker.add_lifecycle_listener(self._lifecycle)
        tracker.add_any_update_listener(self._updated)

    def _lifecycle(self, kind: Lifecycle, tracked: TrackedActivity) -> None:
        self.lifecycle.append((kind, tracked.activity.uuid, tracked.activity.progress))

    def _updated(self) -> None:
        self.updates += 1


def test_pushes_in_order_and_only_changes_are_heard() -> None:
    """Starts and ends are heard once; an update that changes nothing is not heard."""
    tracker = ActivityTracker()
    heard = Heard(tracker)
    per_activity: list[int | None] = []
    remove = tracker.add_activity_listener(
        "a", lambda: per_activity.append(tracker.activities["a"].activity.progress)
    )
    push(tracker, ActivityEventType.STARTED, "a")
    push(tracker, ActivityEventType.STARTED, "b")
    push(tracker, ActivityEventType.UPDATED, "a", 10)
    push(tracker, ActivityEventType.UPDATED, "a", 10)  # nothing new
    push(tracker, ActivityEventType.UPDATED, "b", 5)
    push(tracker, ActivityEventType.ENDED, "a", 100)
    push(tracker, ActivityEventType.ENDED, "a", 100)  # already gone

    assert list(tracker.activities) == ["b"]
    assert per_activity == [10]
    assert heard.updates == 2
    assert heard.lifecycle == [
        (Lifecycle.STARTED, "a", 0),
        (Lifecycle.STARTED, "b", 0),
        (Lifecycle.ENDED, "a", 100),  # with its last state
    ]
    remove()
    push(tracker, ActivityEventType.STARTED, "a")
    push(tracker, ActivityEventType.UPDATED, "a", 50)
    assert per_activity == [10]


async def test_snapshot_older_than_a_push_leaves_it_alone() -> None:
    """A snapshot fetched before pushes neither revives, ends nor rolls them back."""
    tracker = ActivityTracker()
    for uuid in ("ending", "updating", "idle"):
        push(tracker, ActivityEventType.STARTED, uuid)
    await tracker.async_apply_snapshot(
        [activity("ending"), activity("updating"), activity("idle")],
        tracker.snapshot_stamp(),
    )
    assert len(tracker._pushed) == 0

    fetched_at = tracker.snapshot_stamp()
    snapshot = [activity("ending"), activity("updating", 5), activity("ghost")]
    push(tracker, ActivityEventType.ENDED, "ending")
    push(tracker, ActivityEventType.UPDATED, "updating", 60)
    push(tracker, ActivityEventType.STARTED, "new")
    heard = Heard(tracker)
    await tracker.async_apply_snapshot(snapshot, fetched_at)

    assert tracker.activities["updating"].activity.progress == 60
    # "idle" is gone from Plex and was not pushed since: it ends; "ghost" was never
    # pushed: it starts; "new" was pushed after the snapshot: it stays.
    assert set(tracker.activities) == {"updating", "new", "ghost"}
    assert heard.lifecycle == [
        (Lifecycle.ENDED, "idle", 0),
        (Lifecycle.STARTED, "ghost", 0),
    ]
    assert len(tracker._pushed) == 3  # not settled by an older snapshot


async def test_end_now_counts_as_a_push() -> None:
    """An activity ended here (cancelled) is not revived by a snapshot in flight."""
    tracker = ActivityTracker()
    push(tracker, ActivityEventType.STARTED, "a")
    fetched_at = tracker.snapshot_stamp()
    tracker.end_now("a")
    await tracker.async_apply_snapshot([activity("a")], fetched_at)
    assert tracker.activities == {}


async def test_snapshot_after_a_cancel_still_listing_it() -> None:
    """Plex may still list a cancelled activity while it winds down: it stays ended.

    Revived by a resync requested after the cancel, the activity fired `started` again
    and then stayed until the next poll, since its `ended` push was a late frame.
    """
    tracker = ActivityTracker()
    push(tracker, ActivityEventType.STARTED, "a")
    heard = Heard(tracker)
    tracker.end_now("a")
    await tracker.async_apply_snapshot([activity("a", 50)], tracker.snapshot_stamp())
    push(tracker, ActivityEventType.ENDED, "a", 50)
    assert tracker.activities == {}
    assert heard.lifecycle == [(Lifecycle.ENDED, "a", 0)]


async def test_overlapping_snapshots_applied_out_of_order() -> None:
    """A snapshot requested before another one that was applied first changes nothing.

    Found by the chaos soak: two resyncs overlap (a poll and a reconnect's), the later
    request is answered first and ends "a"; the earlier answer, which still lists "a",
    brought it back (`started` twice). The same for "b", ended by a push the later
    snapshot settled (it dropped the push's mark).
    """
    tracker = ActivityTracker()
    await tracker.async_apply_snapshot(
        [activity("a"), activity("b")], tracker.snapshot_stamp()
    )
    earlier = tracker.snapshot_stamp()  # "a" and "b" still run when it is answered
    push(tracker, ActivityEventType.ENDED, "b")
    later = tracker.snapshot_stamp()  # "a" has ended on Plex meanwhile
    heard = Heard(tracker)
    await tracker.async_apply_snapshot([activity("c")], later)
    await tracker.async_apply_snapshot([activity("a", 5), activity("b", 5)], earlier)
    assert list(tracker.activities) == ["c"]
    assert heard.lifecycle == [(Lifecycle.ENDED, "a", 0), (Lifecycle.STARTED, "c", 0)]
    assert heard.updates == 0
    # A snapshot requested after the late one applies as usual.
    await tracker.async_apply_snapshot([activity("d")], tracker.snapshot_stamp())
    assert list(tracker.activities) == ["d"]


async def test_late_frames_of_an_ended_activity_change_nothing() -> None:
    """Frames read after a resync (or a cancel) ended their activity do not revive it.

    Found by the chaos soak: a REST answer can overtake frames (a poll, or the resync
    after a reconnect, which runs before the frames queued meanwhile are read). It
    ended "a" (gone from Plex), then the older `updated` frame started it again and
    its `ended` ended it twice.
    """
    tracker = ActivityTracker()
    push(tracker, ActivityEventType.STARTED, "a")
    push(tracker, ActivityEventType.STARTED, "b")
    heard = Heard(tracker)
    await tracker.async_apply_snapshot([activity("b")], tracker.snapshot_stamp())
    tracker.end_now("b")  # cancelled from Home Assistant
    push(tracker, ActivityEventType.UPDATED, "a", 40)
    push(tracker, ActivityEventType.ENDED, "a", 40)
    push(tracker, ActivityEventType.UPDATED, "b", 10)
    push(tracker, ActivityEventType.ENDED, "b", 10)
    assert tracker.activities == {}
    assert heard.lifecycle == [(Lifecycle.ENDED, "a", 0), (Lifecycle.ENDED, "b", 0)]
    # Only the last ones are remembered.
    for index in range(tracker_module.ENDED_REMEMBERED):
        push(tracker, ActivityEventType.STARTED, f"other-{index}")
        push(tracker, ActivityEventType.ENDED, f"other-{index}")
    push(tracker, ActivityEventType.STARTED, "a")
    assert list(tracker.activities) == ["a"]


async def test_big_snapshot_applies_everything() -> None:
    """A snapshot ending and starting hundreds of activities applies them all, in order."""
    tracker = ActivityTracker()
    await tracker.async_apply_snapshot(
        [activity(f"old-{i}") for i in range(300)], tracker.snapshot_stamp()
    )
    new = [activity(f"new-{i}") for i in range(300)]
    heard = Heard(tracker)
    await tracker.async_apply_snapshot(new, tracker.snapshot_stamp())
    assert list(tracker.activities) == [a.uuid for a in new]
    assert [u for k, u, _ in heard.lifecycle if k is Lifecycle.ENDED] == [
        f"old-{i}" for i in range(300)
    ]
