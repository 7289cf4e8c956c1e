// End-to-end check of the built card in headless Chromium, without Home Assistant:
// a static page on 127.0.0.1 loads the shipped module with a fake `hass` (states from a
// small simulation, updated every second; callService recorded), and playwright-core
// checks rendering, live updates, keyboard use and cancel.
//
//   node e2e/harness.mjs [--screenshot PATH]   (Chromium: /usr/bin/chromium or $CHROMIUM)
import { createServer } from "node:http";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const HERE = dirname(fileURLToPath(import.meta.url));
const MODULE = join(HERE, "..", "..", "custom_components", "plex_activities", "frontend", "plex-activities-card.js");
const OUT = join(HERE, "out");
const args = process.argv.slice(2);
const screenshotAt = args.includes("--screenshot") ? args[args.indexOf("--screenshot") + 1] : null;

const server = createServer((req, res) => {
  const path = new URL(req.url, "http://x").pathname;
  if (path === "/" || path === "/index.html") {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(readFileSync(join(HERE, "page.html")));
  } else if (path === "/plex-activities-card.js") {
    res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" });
    res.end(readFileSync(MODULE));
  } else if (path === "/favicon.ico") {
    res.writeHead(204).end();
  } else {
    res.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
let failures = 0;
async function check(name, fn) {
  try {
    await fn();
    console.log(`ok - ${name}`);
  } catch (err) {
    failures++;
    console.log(`not ok - ${name}\n  ${String(err?.stack ?? err).split("\n").slice(0, 6).join("\n  ")}`);
  }
}

try {
  mkdirSync(OUT, { recursive: true });
  const page = await browser.newPage({ viewport: { width: 860, height: 1000 }, deviceScaleFactor: 1 });
  const errors = [];
  page.on("pageerror", (err) => errors.push(String(err)));
  page.on("console", (msg) => msg.type() === "error" && errors.push(msg.text()));
  await page.goto(base);
  await page.waitForFunction(() => window.harnessReady === true);
  const card = page.locator("#light-wide");
  const rows = card.locator("li");

  await check("renders the running activities with title, subtitle, library and progress", async () => {
    await rows.first().waitFor();
    assert.equal(await rows.count(), 3);
    assert.equal(await card.locator(".name").textContent(), "Plex Activities");
    assert.equal(await card.locator(".count").textContent(), "3 running");
    const scan = card.locator("li[data-uuid=scan]");
    assert.equal(await scan.locator(".title").textContent(), "Scanning Movies");
    assert.equal(await scan.locator(".meta").textContent(), "Avatar: The Way of Water · Movies");
    const bar = scan.getByRole("progressbar", { name: "Scanning Movies" });
    assert.ok(Number(await bar.getAttribute("aria-valuenow")) >= 12);
    const butler = card.locator("li[data-uuid=butler] [role=progressbar]");
    assert.equal(await butler.getAttribute("aria-valuenow"), null);
    assert.match(await butler.getAttribute("class"), /indeterminate/);
    const animation = await butler.locator(".fill").evaluate((el) => getComputedStyle(el).animationName);
    assert.equal(animation, "pac-slide");
  });

  await check("uses the theme: card background and text colors differ in dark mode", async () => {
    const colors = async (id) => page.locator(`#${id} ha-card`).evaluate((el) => {
      const style = getComputedStyle(el);
      return [style.backgroundColor, style.color];
    });
    assert.deepEqual(await colors("light-wide"), ["rgb(255, 255, 255)", "rgb(33, 33, 33)"]);
    assert.deepEqual(await colors("dark-wide"), ["rgb(28, 28, 28)", "rgb(225, 225, 225)"]);
  });

  await check("progress, elapsed time and time left update live, without reload", async () => {
    const bar = card.locator("li[data-uuid=scan] [role=progressbar]");
    const before = Number(await bar.getAttribute("aria-valuenow"));
    const elapsedBefore = await card.locator("li[data-uuid=scan] .elapsed").textContent();
    await page.waitForFunction(
      (v) => Number(document.querySelector("#light-wide").shadowRoot
        .querySelector("li[data-uuid=scan] [role=progressbar]").getAttribute("aria-valuenow")) > v,
      before,
    );
    await page.waitForFunction(
      (t) => document.querySelector("#light-wide").shadowRoot
        .querySelector("li[data-uuid=scan] .elapsed").textContent !== t,
      elapsedBefore,
    );
    await page.waitForFunction(() => /left/.test(document.querySelector("#light-wide").shadowRoot
      .querySelector("li[data-uuid=scan] .eta").textContent));
    const width = await card.locator("li[data-uuid=scan] .fill").evaluate((el) => el.style.width);
    assert.match(width, /^\d+(\.\d+)?%$/);
  });

  await check("adapts to its width: narrow cards stack the cancel button under the bar", async () => {
    const areas = (id) => page.locator(`#${id} li[data-uuid=scan]`).evaluate(
      (el) => getComputedStyle(el).gridTemplateColumns.split(" ").length);
    assert.equal(await areas("light-wide"), 2);
    assert.equal(await areas("light-narrow"), 1);
  });

  await page.waitForTimeout(1500); // let the time-left estimates settle for the picture
  await page.screenshot({ path: join(OUT, "harness-full.png"), fullPage: true });
  if (screenshotAt) {
    // Freeze the indeterminate bar mid-way, so the picture shows it.
    await page.evaluate(() => {
      for (const animation of document.querySelector("#light-wide").shadowRoot.getAnimations()) {
        animation.pause();
        animation.currentTime = 650;
      }
    });
    await page.locator("#light-wide").screenshot({ path: screenshotAt });
    await page.evaluate(() => {
      for (const animation of document.querySelector("#light-wide").shadowRoot.getAnimations()) animation.play();
    });
    console.log(`# screenshot: ${screenshotAt}`);
  }

  await check("keyboard: Tab reaches Cancel, Enter asks, focus on No, Escape goes back", async () => {
    const cancel = card.getByRole("button", { name: "Cancel Scanning Movies" });
    await cancel.focus();
    const ring = await cancel.evaluate((el) => getComputedStyle(el).outlineStyle);
    assert.equal(ring, "solid", "a visible focus ring");
    await page.keyboard.press("Enter");
    const no = card.getByRole("button", { name: "No, keep Scanning Movies running" });
    await no.waitFor();
    assert.equal(await no.evaluate((el) => el.getRootNode().activeElement === el), true);
    await page.screenshot({ path: join(OUT, "harness-confirm.png") });
    await page.keyboard.press("Escape");
    await cancel.waitFor();
    assert.equal(await cancel.evaluate((el) => el.getRootNode().activeElement === el), true);
    assert.deepEqual(await page.evaluate(() => window.calls), []);
    assert.equal(await card.getByRole("button", { name: /^Cancel Optimizing/ }).count(), 0,
      "no cancel for activities Plex cannot cancel");
  });

  await check("cancel: Yes calls plex_activities.cancel and the row goes away", async () => {
    await card.getByRole("button", { name: "Cancel Generating chapter thumbnails" }).click();
    await card.getByRole("button", { name: "Yes, cancel Generating chapter thumbnails" }).click();
    assert.deepEqual(await page.evaluate(() => window.calls), [
      { domain: "plex_activities", service: "cancel", data: { entity_id: "sensor.plex_chapter_thumbnails" } },
    ]);
    await card.locator("li[data-uuid=thumbs]").waitFor({ state: "detached" });
    assert.equal(await rows.count(), 2);
    assert.equal(await card.locator(".count").textContent(), "2 running");
  });

  await check("empty state once nothing runs", async () => {
    await card.getByRole("button", { name: "Cancel Scanning Movies" }).click();
    await card.getByRole("button", { name: "Yes, cancel Scanning Movies" }).click();
    await card.locator("li[data-uuid=scan]").waitFor({ state: "detached" });
    assert.equal(await rows.count(), 1);
    await page.evaluate(() => window.endAll()); // the butler cannot be cancelled; it ends
    await rows.first().waitFor({ state: "detached" });
    assert.equal(await card.locator(".status").textContent(), "Plex is idle: no activities running.");
    assert.equal(await card.locator(".count").textContent(), "");
  });

  await check("no cancel button for non-administrators", async () => {
    const other = await browser.newPage();
    await other.goto(`${base}?admin=0`);
    await other.waitForFunction(() => window.harnessReady === true);
    await other.locator("#light-wide li").first().waitFor();
    assert.equal(await other.locator("#light-wide button").count(), 0);
    await other.close();
  });

  await check("the visual editor offers an entity field", async () => {
    const value = await page.evaluate(async () => {
      const Card = customElements.get("plex-activities-card");
      const editor = Card.getConfigElement();
      editor.setConfig({ type: "custom:plex-activities-card", entity: "sensor.plex_activities" });
      document.body.append(editor);
      const stub = Card.getStubConfig(document.querySelector("#light-wide").hass);
      return [editor.shadowRoot.querySelector("#entity").value, stub.entity,
        window.customCards.some((c) => c.type === "plex-activities-card")];
    });
    assert.deepEqual(value, ["sensor.plex_activities", "sensor.plex_activities", true]);
  });

  await check("no errors in the page", async () => {
    assert.deepEqual(errors, []);
  });
} finally {
  await browser.close();
  server.close();
}
console.log(failures ? `# ${failures} failed` : "# all passed");
process.exitCode = failures ? 1 : 0;
