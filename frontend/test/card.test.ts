import { doc, focused } from "./dom";
import { afterEach, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import "../src/index";
import { PlexActivitiesCard } from "../src/card";
import type { HassLike } from "../src/types";

type Call = [string, string, Record<string, unknown> | undefined];

const SUMMARY = "sensor.plex_activities";
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

interface ActivityInput {
  uuid: string;
  title?: string;
  subtitle?: string;
  progress?: number | null;
  cancellable?: boolean;
  entity_id?: string | null;
  started_at?: string;
}

function activity(input: ActivityInput): Record<string, unknown> {
  return {
    title: `Activity ${input.uuid}`,
    subtitle: "",
    activity_type: "library.update.section",
    progress: 0,
    cancellable: true,
    entity_id: `sensor.activity_${input.uuid}`,
    started_at: new Date(T0).toISOString(),
    ...input,
  };
}

function makeHass(
  activities: Record<string, unknown>[],
  options: { admin?: boolean; state?: string; libraries?: Record<string, string> } = {},
  calls: Call[] = [],
  result: () => Promise<unknown> = () => Promise.resolve(),
): HassLike {
  const states: HassLike["states"] = {
    [SUMMARY]: {
      state: options.state ?? String(activities.length),
      attributes: { friendly_name: "My Plex Activities", activities },
    },
    "sensor.other": { state: "1", attributes: {} },
  };
  for (const a of activities) {
    const id = a.entity_id as string | null;
    if (id) {
      states[id] = {
        state: String(a.progress ?? "unknown"),
        attributes: { library: options.libraries?.[a.uuid as string] ?? null },
      };
    }
  }
  return {
    states,
    user: { is_admin: options.admin ?? true },
    callService: (domain, service, data) => {
      calls.push([domain, service, data]);
      return result();
    },
  };
}

let card: PlexActivitiesCard;
let clock = T0;

function q(selector: string): HTMLElement | null {
  return card.shadowRoot!.querySelector(selector) as HTMLElement | null;
}
function qa(selector: string): HTMLElement[] {
  return [...card.shadowRoot!.querySelectorAll(selector)] as HTMLElement[];
}
function text(selector: string): string {
  return q(selector)?.textContent ?? "";
}

beforeEach(() => {
  clock = T0 + 65_000;
  card = doc.createElement("plex-activities-card") as PlexActivitiesCard;
  card.now = () => clock;
  card.setConfig({ type: "custom:plex-activities-card", entity: SUMMARY });
  doc.body.append(card);
});

afterEach(() => {
  card.remove();
});

test("the module defines the card and the editor and lists the card in the picker", () => {
  assert.ok(customElements.get("plex-activities-card"));
  assert.ok(customElements.get("plex-activities-card-editor"));
  const cards = (window as unknown as { customCards: { type: string; name: string }[] })
    .customCards;
  assert.equal(cards.filter((c) => c.type === "plex-activities-card").length, 1);
  assert.ok(PlexActivitiesCard.getConfigElement().tagName.toLowerCase().includes("editor"));
});

test("setConfig requires an entity", () => {
  const fresh = doc.createElement("plex-activities-card") as PlexActivitiesCard;
  assert.throws(() => fresh.setConfig({ type: "x", entity: "" }), /Activities sensor/);
  assert.throws(
    () => fresh.setConfig({ type: "x" } as unknown as { type: string; entity: string }),
    /Activities sensor/,
  );
  assert.throws(
    () => fresh.setConfig(null as unknown as { type: string; entity: string }),
    /Invalid/,
  );
  assert.throws(
    () => fresh.setConfig({ type: "x", entity: SUMMARY, title: 3 as unknown as string }),
    /title/,
  );
});

test("getStubConfig picks the first sensor with an activities list", () => {
  const hass = makeHass([]);
  hass.states["sensor.aaa_activities"] = { state: "0", attributes: { activities: [] } };
  assert.deepEqual(PlexActivitiesCard.getStubConfig(hass), {
    type: "custom:plex-activities-card",
    entity: "sensor.aaa_activities",
  });
  assert.equal(PlexActivitiesCard.getStubConfig(undefined).entity, "");
});

test("renders each activity: title, subtitle, library, progress bar", () => {
  card.hass = makeHass(
    [
      activity({ uuid: "a", title: "Scanning Movies", subtitle: "Avatar", progress: 42.4 }),
      activity({ uuid: "b", title: "Butler", progress: null, cancellable: false }),
    ],
    { libraries: { a: "Movies" } },
  );
  const rows = qa("li");
  assert.equal(rows.length, 2);
  assert.equal(text(".name"), "My Plex Activities");
  assert.equal(text(".count"), "2 running");
  assert.equal(text(".status"), "");
  const [a, b] = rows;
  assert.equal(a.querySelector(".title")!.textContent, "Scanning Movies");
  assert.equal(a.querySelector(".meta")!.textContent, "Avatar · Movies");
  assert.equal(a.querySelector(".percent")!.textContent, "42%");
  const bar = a.querySelector("[role=progressbar]") as HTMLElement;
  assert.equal(bar.getAttribute("aria-valuenow"), "42");
  assert.equal(bar.getAttribute("aria-valuemin"), "0");
  assert.equal(bar.getAttribute("aria-valuemax"), "100");
  assert.equal(
    bar.getAttribute("aria-labelledby"),
    (a.querySelector(".title") as HTMLElement).id,
  );
  assert.equal((a.querySelector(".fill") as HTMLElement).style.width, "42.4%");
  assert.equal(a.querySelector(".elapsed")!.textContent, "1m 05s elapsed");

  const indeterminate = b.querySelector("[role=progressbar]") as HTMLElement;
  assert.ok(indeterminate.classList.contains("indeterminate"));
  assert.equal(indeterminate.hasAttribute("aria-valuenow"), false);
  assert.equal(indeterminate.getAttribute("aria-valuetext"), "In progress");
  assert.equal(b.querySelector(".percent")!.textContent, "");
});

test("more running than listed: the count says how many are shown", () => {
  card.hass = makeHass([activity({ uuid: "a" }), activity({ uuid: "b" })], { state: "5000" });
  assert.equal(qa("li").length, 2);
  assert.equal(text(".count"), "5000 running, 2 shown");
});

test("the title option overrides the sensor's name", () => {
  card.setConfig({ type: "custom:plex-activities-card", entity: SUMMARY, title: "Plex" });
  card.hass = makeHass([]);
  assert.equal(text(".name"), "Plex");
});

test("empty, missing and unavailable states say so", () => {
  card.hass = makeHass([]);
  assert.equal(text(".status"), "Plex is idle: no activities running.");
  assert.equal(qa("li").length, 0);
  assert.equal(text(".count"), "");

  card.hass = makeHass([], { state: "unavailable" });
  assert.equal(text(".status"), "The Plex server is unavailable.");
  assert.ok(q(".status")!.classList.contains("warning"));

  const hass = makeHass([]);
  delete hass.states[SUMMARY];
  card.hass = hass;
  assert.equal(text(".status"), `Entity not found: ${SUMMARY}`);
  assert.equal(text(".name"), "Plex activities");
});

test("live updates reuse the rows, add new ones and drop ended ones", () => {
  card.hass = makeHass([activity({ uuid: "a", progress: 10 })]);
  const row = qa("li")[0];
  card.hass = makeHass([
    activity({ uuid: "a", progress: 55 }),
    activity({ uuid: "c", progress: 1 }),
  ]);
  const rows = qa("li");
  assert.equal(rows.length, 2);
  assert.equal(rows[0], row, "the same element is updated in place");
  assert.equal(row.querySelector(".percent")!.textContent, "55%");
  assert.equal(row.querySelector("[role=progressbar]")!.getAttribute("aria-valuenow"), "55");

  card.hass = makeHass([activity({ uuid: "c", progress: 2 })]);
  assert.deepEqual(
    qa("li").map((li) => li.dataset.uuid),
    ["c"],
  );
  card.hass = makeHass([
    activity({ uuid: "d", progress: 2 }),
    activity({ uuid: "c", progress: 3 }),
  ]);
  assert.deepEqual(
    qa("li").map((li) => li.dataset.uuid),
    ["d", "c"],
    "rows follow the sensor's order",
  );
});

test("a change of another entity does not re-render", () => {
  const hass = makeHass([activity({ uuid: "a", progress: 10 })]);
  card.hass = hass;
  const percent = q(".percent")!;
  percent.textContent = "marker";
  card.hass = { ...hass, states: { ...hass.states, "sensor.other": { state: "2", attributes: {} } } };
  assert.equal(percent.textContent, "marker");
  // ...but a change of the activity's own sensor (its library) does.
  const lib = { ...hass.states, "sensor.activity_a": { state: "10", attributes: { library: "TV" } } };
  card.hass = { ...hass, states: lib };
  assert.equal(text(".percent"), "10%");
  assert.equal(text(".meta"), "TV");
});

test("elapsed time ticks and the timer stops when the card leaves the page", () => {
  card.hass = makeHass([activity({ uuid: "a", progress: 10 })]);
  assert.equal(card.ticking, true);
  assert.equal(text(".elapsed"), "1m 05s elapsed");
  clock += 10_000;
  card.tick();
  assert.equal(text(".elapsed"), "1m 15s elapsed");
  card.remove();
  assert.equal(card.ticking, false);
  doc.body.append(card);
  assert.equal(card.ticking, true);
  card.hass = makeHass([]);
  assert.equal(card.ticking, false, "no timer while nothing runs");
});

test("time left appears once the progress moved", () => {
  card.hass = makeHass([activity({ uuid: "a", progress: 10 })]);
  assert.equal(text(".eta"), "");
  clock += 20_000;
  card.hass = makeHass([activity({ uuid: "a", progress: 30 })]); // 1 %/s, 70 % left
  assert.equal(text(".eta"), "about 1m 10s left");
  clock += 10_000;
  card.tick();
  assert.equal(text(".eta"), "about 1m 00s left");
  card.hass = makeHass([activity({ uuid: "a", progress: null })]);
  assert.equal(text(".eta"), "", "no estimate while the progress is unknown");
});

test("cancel: only for administrators and cancellable activities with a sensor", () => {
  card.hass = makeHass(
    [
      activity({ uuid: "a" }),
      activity({ uuid: "b", cancellable: false }),
      activity({ uuid: "c", entity_id: null }),
    ],
    { admin: false },
  );
  assert.equal(qa("button").length, 0);
  card.hass = makeHass(
    [
      activity({ uuid: "a", title: "Scan" }),
      activity({ uuid: "b", cancellable: false }),
      activity({ uuid: "c", entity_id: null }),
    ],
    { admin: true },
  );
  const buttons = qa("button");
  assert.equal(buttons.length, 1);
  assert.equal(buttons[0].getAttribute("aria-label"), "Cancel Scan");
  assert.equal(buttons[0].getAttribute("type"), "button");
});

test("cancel asks inline; No keeps the activity, Yes calls the action", async () => {
  const calls: Call[] = [];
  const hass = makeHass([activity({ uuid: "a", title: "Scan" })], {}, calls);
  card.hass = hass;
  q("button.cancel")!.click();
  assert.equal(text(".question"), "Cancel?");
  const no = q("button.no")!;
  assert.equal(focused.at(-1), no, "focus moves to the safe choice");
  no.click();
  assert.ok(q("button.cancel"), "No goes back to the cancel button");
  assert.equal(focused.at(-1), q("button.cancel"));
  assert.equal(calls.length, 0);

  q("button.cancel")!.click();
  q("[role=group]")!.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape" }));
  assert.ok(q("button.cancel"), "Escape also goes back");

  q("button.cancel")!.click();
  q("button.yes")!.click();
  assert.deepEqual(calls, [["plex_activities", "cancel", { entity_id: "sensor.activity_a" }]]);
  assert.equal(text(".pending"), "Cancelling…");
  // A progress update while cancelling keeps the note.
  card.hass = makeHass([activity({ uuid: "a", title: "Scan", progress: 5 })], {}, calls);
  assert.equal(text(".pending"), "Cancelling…");
  // The activity ends: its row goes.
  card.hass = makeHass([], {}, calls);
  assert.equal(qa("li").length, 0);
});

test("a failed cancel shows the error and offers the button again", async () => {
  card.hass = makeHass([activity({ uuid: "a" })], {}, [], () =>
    Promise.reject(new Error("Plex refused")),
  );
  q("button.cancel")!.click();
  q("button.yes")!.click();
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(text(".error"), "Could not cancel: Plex refused");
  assert.ok(q("button.cancel"));
  q("button.cancel")!.click();
  assert.equal(text(".error"), "", "trying again clears the error");
});

test("losing admin rights removes the cancel controls", () => {
  card.hass = makeHass([activity({ uuid: "a" })], { admin: true });
  q("button.cancel")!.click();
  assert.ok(q("button.yes"));
  card.hass = makeHass([activity({ uuid: "a" })], { admin: false });
  assert.equal(qa("button").length, 0);
});

test("a new entity starts afresh", () => {
  card.hass = makeHass([activity({ uuid: "a" })]);
  assert.equal(qa("li").length, 1);
  card.setConfig({ type: "custom:plex-activities-card", entity: "sensor.other" });
  assert.equal(qa("li").length, 0);
  assert.equal(text(".status"), "Plex is idle: no activities running.");
});

test("card size and grid options", () => {
  card.hass = makeHass([activity({ uuid: "a" }), activity({ uuid: "b" })]);
  assert.equal(card.getCardSize(), 5);
  assert.equal(card.getGridOptions().columns, 12);
});
