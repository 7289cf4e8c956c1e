import { doc } from "./dom";
import { test } from "node:test";
import assert from "node:assert/strict";
import "../src/index";
import type { PlexActivitiesCardEditor } from "../src/editor";
import type { HassLike } from "../src/types";

const hass: HassLike = {
  states: {
    "sensor.b_activities": { state: "0", attributes: { activities: [] } },
    "sensor.a_activities": { state: "0", attributes: { activities: [] } },
    "sensor.temperature": { state: "20", attributes: {} },
  },
  user: { is_admin: true },
  callService: () => Promise.resolve(),
};

function changes(editor: HTMLElement): Record<string, unknown>[] {
  const seen: Record<string, unknown>[] = [];
  editor.addEventListener("config-changed", (event) => {
    seen.push((event as CustomEvent<{ config: Record<string, unknown> }>).detail.config);
  });
  return seen;
}

test("without Home Assistant's picker: a text input with suggestions", () => {
  const editor = doc.createElement("plex-activities-card-editor") as PlexActivitiesCardEditor;
  editor.setConfig({ type: "custom:plex-activities-card", entity: "sensor.a_activities" });
  editor.hass = hass;
  doc.body.append(editor);
  const seen = changes(editor);
  const input = editor.shadowRoot!.querySelector("#entity") as HTMLInputElement;
  assert.equal(input.value, "sensor.a_activities");
  const options = [...editor.shadowRoot!.querySelectorAll("option")].map(
    (o) => o.getAttribute("value"),
  );
  assert.deepEqual(options, ["sensor.a_activities", "sensor.b_activities"]);
  input.value = " sensor.b_activities ";
  input.dispatchEvent(new Event("change"));
  const title = editor.shadowRoot!.querySelector("#title") as HTMLInputElement;
  title.value = "Plex";
  title.dispatchEvent(new Event("change"));
  title.value = "";
  title.dispatchEvent(new Event("change"));
  assert.deepEqual(seen, [
    { type: "custom:plex-activities-card", entity: "sensor.b_activities" },
    { type: "custom:plex-activities-card", entity: "sensor.b_activities", title: "Plex" },
    { type: "custom:plex-activities-card", entity: "sensor.b_activities" },
  ]);
  editor.remove();
});

test("with Home Assistant's entity picker: uses it, filtered to summary sensors", async () => {
  class FakePicker extends HTMLElement {
    hass: unknown;
    value = "";
    entityFilter?: (s: unknown) => boolean;
    includeDomains?: string[];
  }
  customElements.define("ha-entity-picker", FakePicker);
  const editor = doc.createElement("plex-activities-card-editor") as PlexActivitiesCardEditor;
  editor.setConfig({ type: "custom:plex-activities-card", entity: "sensor.a_activities" });
  doc.body.append(editor);
  editor.hass = hass;
  const seen = changes(editor);
  const picker = editor.shadowRoot!.querySelector("ha-entity-picker") as FakePicker;
  assert.ok(picker);
  assert.equal(picker.hass, hass);
  assert.equal(picker.value, "sensor.a_activities");
  assert.deepEqual(picker.includeDomains, ["sensor"]);
  assert.equal(picker.entityFilter!(hass.states["sensor.temperature"]), false);
  assert.equal(picker.entityFilter!(hass.states["sensor.b_activities"]), true);
  picker.dispatchEvent(
    new CustomEvent("value-changed", { detail: { value: "sensor.b_activities" } }),
  );
  assert.deepEqual(seen, [{ type: "custom:plex-activities-card", entity: "sensor.b_activities" }]);
  editor.remove();
});
