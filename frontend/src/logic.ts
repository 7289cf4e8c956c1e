// Pure logic of the card: reading the summary sensor, formatting, and time estimates.
// No DOM here, so every function is unit-tested directly.

import { text } from "./strings";

/** One running activity, as the summary sensor's `activities` attribute lists it. */
export interface Activity {
  uuid: string;
  title: string;
  subtitle: string;
  type: string;
  /** 0-100, or null while Plex cannot tell. */
  progress: number | null;
  cancellable: boolean;
  /** Milliseconds since the epoch, or null when unknown. */
  startedAt: number | null;
  /** The activity's own sensor (null until Home Assistant registered it). */
  entityId: string | null;
}

/** The part of a Home Assistant state object the card reads. */
export interface StateLike {
  state: string;
  attributes: Record<string, unknown>;
}

const str = (value: unknown): string => (typeof value === "string" ? value : "");

/** Clamp a progress value to 0-100; anything that is not a finite number is null. */
export function normalizeProgress(value: unknown): number | null {
  if (typeof value !== "number" || !Number.isFinite(value)) return null;
  return Math.min(100, Math.max(0, value));
}

/** Parse an ISO timestamp to epoch milliseconds; null when missing or invalid. */
export function parseTimestamp(value: unknown): number | null {
  if (typeof value !== "string" || value === "") return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** Whether a state object is a Plex Activities summary sensor (has an activities list). */
export function isActivitiesSensor(stateObj: StateLike | undefined): boolean {
  return stateObj !== undefined && Array.isArray(stateObj.attributes.activities);
}

/** The activities of a summary sensor, validated; malformed entries are skipped. */
export function readActivities(
  stateObj: StateLike | undefined,
  language?: string,
): Activity[] {
  const raw = stateObj?.attributes.activities;
  if (!Array.isArray(raw)) return [];
  const activities: Activity[] = [];
  const seen = new Set<string>();
  for (const item of raw as unknown[]) {
    if (typeof item !== "object" || item === null) continue;
    const entry = item as Record<string, unknown>;
    const uuid = str(entry.uuid);
    if (uuid === "" || seen.has(uuid)) continue;
    seen.add(uuid);
    activities.push({
      uuid,
      title: str(entry.title) || str(entry.activity_type) || text(language, "activity"),
      subtitle: str(entry.subtitle),
      type: str(entry.activity_type),
      progress: normalizeProgress(entry.progress),
      cancellable: entry.cancellable === true,
      startedAt: parseTimestamp(entry.started_at),
      entityId: str(entry.entity_id) || null,
    });
  }
  return activities;
}

/**
 * The header's count: how many activities run. The sensor's state counts them all; its
 * list holds only those with a sensor of their own (at most 1,000), so more may run than
 * are listed. Empty when none run.
 */
export function countLabel(
  stateObj: StateLike | undefined,
  listed: number,
  language?: string,
): string {
  const state = Number(stateObj?.state);
  const total = Number.isInteger(state) && state > listed ? state : listed;
  if (total === 0) return "";
  return total > listed
    ? text(language, "runningShown", { total, listed })
    : text(language, "running", { total });
}

/**
 * A compact duration: "45s", "3m 05s", "1h 02m", "2d 3h". Negative or non-finite
 * input counts as zero.
 */
export function formatDuration(seconds: number): string {
  const total = Number.isFinite(seconds) && seconds > 0 ? Math.floor(seconds) : 0;
  const days = Math.floor(total / 86400);
  const hours = Math.floor((total % 86400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = total % 60;
  const pad = (n: number): string => String(n).padStart(2, "0");
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${pad(minutes)}m`;
  if (minutes > 0) return `${minutes}m ${pad(secs)}s`;
  return `${secs}s`;
}

/** Seconds elapsed since an activity started, never negative; null when unknown. */
export function elapsedSeconds(startedAt: number | null, now: number): number | null {
  if (startedAt === null) return null;
  return Math.max(0, (now - startedAt) / 1000);
}

/** One observation of an activity's progress. */
export interface Sample {
  /** Epoch milliseconds when the progress was seen. */
  time: number;
  progress: number;
}

/** How many samples are kept per activity, and how far back they reach. */
export const MAX_SAMPLES = 30;
export const SAMPLE_WINDOW_MS = 10 * 60 * 1000;

/**
 * Per-activity progress samples and the time-left estimate drawn from them.
 *
 * A sample is kept only when the progress changed. Progress going backwards (Plex
 * restarted the task) or becoming unknown starts over. The estimate uses the rate
 * between the oldest and the newest sample within the window, and counts down from
 * the newest sample: finish = newest.time + remaining / rate.
 */
export class ProgressTracker {
  private readonly samples = new Map<string, Sample[]>();

  /** Record the progress of one activity seen at `time`. */
  record(uuid: string, progress: number | null, time: number): void {
    if (progress === null) {
      this.samples.delete(uuid);
      return;
    }
    let list = this.samples.get(uuid);
    if (list === undefined) {
      list = [];
      this.samples.set(uuid, list);
    }
    const last = list[list.length - 1];
    if (last !== undefined) {
      if (progress === last.progress) return;
      if (progress < last.progress || time < last.time) list.length = 0;
    }
    list.push({ time, progress });
    while (
      list.length > 2 &&
      (list.length > MAX_SAMPLES || time - list[0].time > SAMPLE_WINDOW_MS)
    ) {
      list.shift();
    }
  }

  /** Forget the activities that are no longer running. */
  retain(uuids: Iterable<string>): void {
    const keep = new Set(uuids);
    for (const uuid of [...this.samples.keys()]) {
      if (!keep.has(uuid)) this.samples.delete(uuid);
    }
  }

  /** The samples of one activity, oldest first (a copy). */
  samplesOf(uuid: string): Sample[] {
    return [...(this.samples.get(uuid) ?? [])];
  }

  /** Progress per second, from the kept samples; null with fewer than two. */
  rate(uuid: string): number | null {
    const list = this.samples.get(uuid);
    if (list === undefined || list.length < 2) return null;
    const first = list[0];
    const last = list[list.length - 1];
    const seconds = (last.time - first.time) / 1000;
    if (seconds <= 0) return null;
    return (last.progress - first.progress) / seconds;
  }

  /** Estimated seconds left at `now`, or null when there is no positive rate yet. */
  secondsLeft(uuid: string, now: number): number | null {
    const rate = this.rate(uuid);
    if (rate === null || rate <= 0) return null;
    const list = this.samples.get(uuid) as Sample[];
    const last = list[list.length - 1];
    const finish = last.time + ((100 - last.progress) / rate) * 1000;
    return Math.max(0, (finish - now) / 1000);
  }

  /** How many activities have samples (for tests and bookkeeping checks). */
  get size(): number {
    return this.samples.size;
  }
}

/** The text of the time-left estimate. */
export function formatTimeLeft(seconds: number | null, language?: string): string {
  if (seconds === null) return "";
  if (seconds < 1) return text(language, "almostDone");
  return text(language, "timeLeft", { duration: formatDuration(seconds) });
}

/** The first sensor whose attributes carry an `activities` list, for the card picker. */
export function findActivitiesSensor(
  states: Record<string, StateLike> | undefined,
): string | undefined {
  if (states === undefined) return undefined;
  const candidates = Object.keys(states)
    .filter((id) => id.startsWith("sensor.") && isActivitiesSensor(states[id]))
    .sort();
  return candidates[0];
}
