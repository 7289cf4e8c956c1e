// Builds the card into the one ES module the integration ships, and the unit tests.
//
//   node build.mjs            write custom_components/plex_activities/frontend/plex-activities-card.js
//   node build.mjs --check    build in memory; fail unless the shipped module equals it
//   node build.mjs --tests    bundle test/*.test.ts (and copy test/*.test.mjs) into test-build/
import { build } from "esbuild";
import { gzipSync } from "node:zlib";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const HERE = dirname(fileURLToPath(import.meta.url));
export const OUTPUT = join(HERE, "..", "custom_components", "plex_activities", "frontend", "plex-activities-card.js");
export const MAX_GZIP_BYTES = 30 * 1024;

const pkg = JSON.parse(readFileSync(join(HERE, "package.json"), "utf8"));

/** The card module, built in memory: a string, identical for identical sources. */
export async function buildCard() {
  const result = await build({
    absWorkingDir: HERE,
    entryPoints: ["src/index.ts"],
    bundle: true,
    format: "esm",
    target: "es2021",
    minify: true,
    legalComments: "none",
    charset: "utf8",
    write: false,
    logLevel: "silent",
    define: { __CARD_VERSION__: JSON.stringify(pkg.version) },
    banner: {
      js: `/* plex-activities-card ${pkg.version}: built from frontend/ by scripts/build_card.sh; do not edit. MIT License */`,
    },
  });
  return result.outputFiles[0].text;
}

/** Raw and gzipped size of a module's text, in bytes. */
export function sizes(text) {
  const raw = Buffer.byteLength(text, "utf8");
  const gzip = gzipSync(Buffer.from(text, "utf8"), { level: 9 }).length;
  return { raw, gzip };
}

async function buildTests() {
  const outdir = join(HERE, "test-build");
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const files = readdirSync(join(HERE, "test"));
  await build({
    absWorkingDir: HERE,
    entryPoints: files.filter((f) => f.endsWith(".test.ts")).map((f) => `test/${f}`),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outdir,
    outExtension: { ".js": ".mjs" },
    packages: "external",
    define: { __CARD_VERSION__: JSON.stringify(pkg.version) },
    logLevel: "warning",
  });
  for (const f of files.filter((f) => f.endsWith(".test.mjs") || f.endsWith(".helper.mjs"))) {
    copyFileSync(join(HERE, "test", f), join(outdir, f));
  }
}

async function main(args) {
  if (args.includes("--tests")) {
    await buildTests();
    return 0;
  }
  const text = await buildCard();
  const { raw, gzip } = sizes(text);
  const report = `${raw} bytes, ${gzip} bytes gzipped (limit ${MAX_GZIP_BYTES})`;
  if (gzip > MAX_GZIP_BYTES) {
    console.error(`card: too large: ${report}`);
    return 1;
  }
  if (args.includes("--check")) {
    let shipped = "";
    try {
      shipped = readFileSync(OUTPUT, "utf8");
    } catch {
      // missing: reported below
    }
    if (shipped !== text) {
      console.error("card: the shipped module differs from a fresh build of frontend/; run scripts/build_card.sh and commit it");
      return 1;
    }
    console.log(`card: shipped module is up to date: ${report}`);
    return 0;
  }
  mkdirSync(dirname(OUTPUT), { recursive: true });
  writeFileSync(OUTPUT, text);
  console.log(`card: wrote ${OUTPUT}: ${report}`);
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
