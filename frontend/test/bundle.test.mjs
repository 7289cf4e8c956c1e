// The shipped module is a fresh build of frontend/, small, and self-contained.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { MAX_GZIP_BYTES, OUTPUT, buildCard, sizes } from "../build.mjs";

test("the shipped module equals a fresh build of the sources", async () => {
  const shipped = readFileSync(OUTPUT, "utf8");
  assert.ok(shipped === (await buildCard()), "run scripts/build_card.sh and commit the result");
});

test("the shipped module is at most 30 KB gzipped", () => {
  const { raw, gzip } = sizes(readFileSync(OUTPUT, "utf8"));
  console.log(`# shipped module: ${raw} bytes, ${gzip} bytes gzipped`);
  assert.ok(gzip <= MAX_GZIP_BYTES, `${gzip} bytes gzipped`);
});

test("the shipped module imports nothing (no download at run time)", () => {
  const shipped = readFileSync(OUTPUT, "utf8");
  assert.doesNotMatch(shipped, /\bimport\s*[("'{*]|\bfrom\s*["']/);
  assert.doesNotMatch(shipped, /https?:\/\/(?!github\.com\/plex-activities)/);
});
