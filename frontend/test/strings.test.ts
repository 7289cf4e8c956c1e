import { test } from "node:test";
import assert from "node:assert/strict";
import { languageOf, text } from "../src/strings";

test("text: placeholders are filled; one without a value stays", () => {
  assert.equal(text("en", "cancelLabel", { title: "Scanning Movies" }), "Cancel Scanning Movies");
  assert.equal(text("en", "runningShown", { total: 3 }), "3 running, {listed} shown");
});

test("text: a language or region not in the table falls back to English", () => {
  for (const language of [undefined, "", "en", "en-GB", "de", "pt-BR"]) {
    assert.equal(text(language, "idle"), "Plex is idle: no activities running.");
  }
});

test("languageOf: the user's locale first, then the frontend's language", () => {
  assert.equal(languageOf({ locale: { language: "fr" }, language: "de" }), "fr");
  assert.equal(languageOf({ language: "de" }), "de");
  assert.equal(languageOf(undefined), undefined);
});
