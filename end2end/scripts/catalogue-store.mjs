// Benchmark: how long a phone-sized Chromium takes to fetch the full catalogue and store it in
// IndexedDB on the first visit (the time of the IndexedDB write, as the app measures it, and
// from page load to the copy being stored). Usage: node scripts/catalogue-store.mjs URL
import { chromium } from "playwright-core";

const url = process.argv[2];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const results = [];
for (let run = 0; run < 5; run++) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const started = Date.now();
  await page.goto(new URL("/kinds", url).toString());
  await page.waitForFunction(() => document.querySelector(".offline-copy")?.dataset.storeMs, null, { timeout: 60_000 });
  const total = Date.now() - started;
  const store = Number(await page.locator(".offline-copy").getAttribute("data-store-ms"));
  results.push({ store, total });
  await context.close();
}
await browser.close();
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`IndexedDB write of the full snapshot: median ${median(results.map((r) => r.store))} ms ` +
  `(runs: ${results.map((r) => r.store).join(", ")})`);
console.log(`page load to copy stored: median ${median(results.map((r) => r.total))} ms ` +
  `(runs: ${results.map((r) => r.total).join(", ")})`);
