// Loads a page once in a fresh Chromium profile, lets the service worker install, and prints
// the bytes that crossed the network (compressed bodies), per resource and in total.
import { chromium } from "playwright-core";

const url = process.argv[2];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const context = await browser.newContext({ serviceWorkers: "allow" });
const rows = [];
context.on("requestfinished", async (request) => {
  const response = await request.response();
  const sizes = await request.sizes();
  rows.push({
    url: new URL(request.url()).pathname,
    // Answered without the network: by the service worker, or from the HTTP cache (negative
    // sizes), as the worker's precache of files the page has just loaded is.
    fromSw: (response?.fromServiceWorker() ?? false) || sizes.responseBodySize < 0,
    status: response?.status(),
    bytes: sizes.responseBodySize,
    headers: sizes.responseHeadersSize,
  });
});
const page = await context.newPage();
await page.goto(url, { waitUntil: "load" });
await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 30_000 });
await page.waitForTimeout(1500);
await browser.close();

let total = 0;
let headers = 0;
for (const row of rows.sort((a, b) => b.bytes - a.bytes)) {
  const wire = row.fromSw ? 0 : row.bytes;
  total += wire;
  headers += row.fromSw ? 0 : row.headers;
  console.log(`${String(wire).padStart(9)}  ${row.status} ${row.url}${row.fromSw ? " (no network: cache or service worker)" : ""}`);
}
console.log(`${String(total).padStart(9)}  total body bytes (${(total / 1024).toFixed(1)} KiB; + ${headers} header bytes); target <= 200 KiB brotli`);
