import { test } from "node:test";
import assert from "node:assert/strict";
import {
  MAX_SAMPLES,
  ProgressTracker,
  SAMPLE_WINDOW_MS,
  countLabel,
  elapsedSeconds,
  findActivitiesSensor,
  formatDuration,
  formatTimeLeft,
  isActivitiesSensor,
  normalizeProgress,
  parseTimestamp,
  readActivities,
} from "../src/logic";

test("formatDuration: seconds, minutes, hours, days", () => {
  assert.equal(formatDuration(0), "0s");
  assert.equal(formatDuration(5.9), "5s");
  assert.equal(formatDuration(59), "59s");
  assert.equal(formatDuration(60), "1m 00s");
  assert.equal(formatDuration(185), "3m 05s");
  assert.equal(formatDuration(3600), "1h 00m");
  assert.equal(formatDuration(3725), "1h 02m");
  assert.equal(formatDuration(86400 * 2 + 3600 * 3 + 59), "2d 3h");
});

test("formatDuration: negative and non-finite count as zero", () => {
  assert.equal(formatDuration(-10), "0s");
  assert.equal(formatDuration(Number.NaN), "0s");
  assert.equal(formatDuration(Number.POSITIVE_INFINITY), "0s");
});

test("normalizeProgress clamps and rejects non-numbers", () => {
  assert.equal(normalizeProgress(42), 42);
  assert.equal(normalizeProgress(-3), 0);
  assert.equal(normalizeProgress(140), 100);
  assert.equal(normalizeProgress(null), null);
  assert.equal(normalizeProgress("50"), null);
  assert.equal(normalizeProgress(Number.NaN), null);
});

test("parseTimestamp reads ISO strings", () => {
  assert.equal(parseTimestamp("2026-01-02T03:04:05+00:00"), Date.UTC(2026, 0, 2, 3, 4, 5));
  assert.equal(parseTimestamp("not a date"), null);
  assert.equal(parseTimestamp(""), null);
  assert.equal(parseTimestamp(12), null);
});

test("elapsedSeconds is never negative and null when unknown", () => {
  assert.equal(elapsedSeconds(1000, 6000), 5);
  assert.equal(elapsedSeconds(9000, 6000), 0);
  assert.equal(elapsedSeconds(null, 6000), null);
});

test("readActivities validates the summary sensor's list", () => {
  const stateObj = {
    state: "3",
    attributes: {
      activities: [
        {
          uuid: "a",
          title: "Scanning Movies",
          subtitle: "Avatar",
          activity_type: "library.update.section",
          progress: 40,
          cancellable: true,
          started_at: "2026-01-02T03:04:05+00:00",
          entity_id: "sensor.plex_scanning_movies",
        },
        { uuid: "b", activity_type: "butler", progress: null, cancellable: "yes", entity_id: null },
        { uuid: "a", title: "duplicate" },
        { title: "no uuid" },
        "junk",
        null,
      ],
    },
  };
  const activities = readActivities(stateObj);
  assert.equal(activities.length, 2);
  assert.deepEqual(activities[0], {
    uuid: "a",
    title: "Scanning Movies",
    subtitle: "Avatar",
    type: "library.update.section",
    progress: 40,
    cancellable: true,
    startedAt: Date.UTC(2026, 0, 2, 3, 4, 5),
    entityId: "sensor.plex_scanning_movies",
  });
  assert.equal(activities[1].title, "butler", "the type stands in for a missing title");
  assert.equal(activities[1].progress, null);
  assert.equal(activities[1].cancellable, false, "only true is cancellable");
  assert.equal(activities[1].entityId, null);
  assert.equal(activities[1].startedAt, null);
  assert.deepEqual(readActivities(undefined), []);
  assert.deepEqual(readActivities({ state: "unavailable", attributes: {} }), []);
});

test("isActivitiesSensor and findActivitiesSensor", () => {
  const states = {
    "sensor.temperature": { state: "21", attributes: {} },
    "sensor.zeta_activities": { state: "0", attributes: { activities: [] } },
    "sensor.alpha_activities": { state: "1", attributes: { activities: [] } },
    "binary_sensor.x": { state: "on", attributes: { activities: [] } },
  };
  assert.equal(isActivitiesSensor(states["sensor.temperature"]), false);
  assert.equal(isActivitiesSensor(states["sensor.zeta_activities"]), true);
  assert.equal(findActivitiesSensor(states), "sensor.alpha_activities");
  assert.equal(findActivitiesSensor({}), undefined);
  assert.equal(findActivitiesSensor(undefined), undefined);
});

test("ProgressTracker: no estimate before two samples", () => {
  const tracker = new ProgressTracker();
  tracker.record("a", 10, 0);
  assert.equal(tracker.rate("a"), null);
  assert.equal(tracker.secondsLeft("a", 0), null);
  assert.equal(tracker.secondsLeft("unknown", 0), null);
});

test("ProgressTracker: rate and time left, counting down between samples", () => {
  const tracker = new ProgressTracker();
  tracker.record("a", 10, 0);
  tracker.record("a", 20, 10_000); // 1 % per second
  assert.equal(tracker.rate("a"), 1);
  assert.equal(tracker.secondsLeft("a", 10_000), 80);
  assert.equal(tracker.secondsLeft("a", 40_000), 50);
  assert.equal(tracker.secondsLeft("a", 999_000), 0, "never negative");
});

test("ProgressTracker: unchanged progress adds no sample", () => {
  const tracker = new ProgressTracker();
  tracker.record("a", 10, 0);
  tracker.record("a", 10, 5_000);
  tracker.record("a", 10, 9_000);
  assert.equal(tracker.samplesOf("a").length, 1);
  tracker.record("a", 30, 10_000);
  assert.deepEqual(tracker.samplesOf("a"), [
    { time: 0, progress: 10 },
    { time: 10_000, progress: 30 },
  ]);
});

test("ProgressTracker: progress going back or unknown starts over", () => {
  const tracker = new ProgressTracker();
  tracker.record("a", 50, 0);
  tracker.record("a", 60, 1_000);
  tracker.record("a", 5, 2_000);
  assert.deepEqual(tracker.samplesOf("a"), [{ time: 2_000, progress: 5 }]);
  tracker.record("a", 10, 3_000);
  tracker.record("a", null, 4_000);
  assert.deepEqual(tracker.samplesOf("a"), []);
  assert.equal(tracker.size, 0);
});

test("ProgressTracker: a clock going backwards starts over", () => {
  const tracker = new ProgressTracker();
  tracker.record("a", 10, 5_000);
  tracker.record("a", 20, 1_000);
  assert.deepEqual(tracker.samplesOf("a"), [{ time: 1_000, progress: 20 }]);
});

test("ProgressTracker: zero elapsed time gives no rate", () => {
  const tracker = new ProgressTracker();
  tracker.record("a", 10, 1_000);
  tracker.record("a", 20, 1_000);
  assert.equal(tracker.rate("a"), null);
  assert.equal(tracker.secondsLeft("a", 1_000), null);
});

test("ProgressTracker: keeps at most MAX_SAMPLES, within the window", () => {
  const tracker = new ProgressTracker();
  for (let i = 0; i < MAX_SAMPLES + 10; i++) tracker.record("a", i, i * 1_000);
  const samples = tracker.samplesOf("a");
  assert.equal(samples.length, MAX_SAMPLES);
  assert.equal(samples[samples.length - 1].progress, MAX_SAMPLES + 9);

  const slow = new ProgressTracker();
  slow.record("b", 1, 0);
  slow.record("b", 2, SAMPLE_WINDOW_MS / 2);
  slow.record("b", 3, SAMPLE_WINDOW_MS + 1);
  assert.deepEqual(
    slow.samplesOf("b").map((s) => s.progress),
    [2, 3],
    "samples older than the window are dropped",
  );
  slow.record("b", 4, 10 * SAMPLE_WINDOW_MS);
  assert.equal(slow.samplesOf("b").length, 2, "two samples are always kept");
});

test("ProgressTracker: retain forgets ended activities", () => {
  const tracker = new ProgressTracker();
  tracker.record("a", 1, 0);
  tracker.record("b", 1, 0);
  tracker.retain(["b"]);
  assert.equal(tracker.size, 1);
  assert.deepEqual(tracker.samplesOf("a"), []);
});

test("formatTimeLeft", () => {
  assert.equal(formatTimeLeft(null), "");
  assert.equal(formatTimeLeft(0.4), "almost done");
  assert.equal(formatTimeLeft(185), "about 3m 05s left");
});

test("countLabel: the sensor's count, and how many are shown when it lists fewer", () => {
  const sensor = (state: string) => ({ state, attributes: { activities: [] } });
  assert.equal(countLabel(sensor("0"), 0), "");
  assert.equal(countLabel(sensor("2"), 2), "2 running");
  assert.equal(countLabel(sensor("5000"), 100), "5000 running, 100 shown");
  // The list is ahead of a stale or odd state: trust the list.
  assert.equal(countLabel(sensor("1"), 2), "2 running");
  assert.equal(countLabel(sensor("unavailable"), 0), "");
  assert.equal(countLabel(sensor("2.5"), 1), "1 running");
  assert.equal(countLabel(undefined, 0), "");
});
