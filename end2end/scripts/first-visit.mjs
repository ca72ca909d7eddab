// Loads a page once in fresh Chromium profiles and prints the bytes that crossed the network
// (compressed bodies), per resource and in total, twice:
//   1. the page alone (service workers blocked): everything the page itself fetches — HTML,
//      CSS, JS, the wasm, and after hydration the catalogue copy the device stores;
//   2. the whole first visit: the page, then the service worker installing and storing the app
//      for offline use (the bundle, mostly from the HTTP cache; the offline shell; the pages it
//      keeps from the first visit).
import { chromium } from "playwright-core";

const url = process.argv[2];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

async function visit(serviceWorkers) {
  const context = await browser.newContext({ serviceWorkers });
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
  if (serviceWorkers === "allow") {
    await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 60_000 });
  }
  await page.waitForLoadState("networkidle");
  await page.waitForTimeout(1500);
  await context.close();
  return rows;
}

function report(title, rows, { list }) {
  let total = 0;
  let headers = 0;
  let shown = 0;
  console.log(title);
  for (const row of rows.sort((a, b) => b.bytes - a.bytes)) {
    const wire = row.fromSw ? 0 : row.bytes;
    total += wire;
    headers += row.fromSw ? 0 : row.headers;
    if (shown++ < list) {
      console.log(`${String(wire).padStart(9)}  ${row.status} ${row.url}${row.fromSw ? " (no network: cache or service worker)" : ""}`);
    }
  }
  if (rows.length > list) console.log(`           … ${rows.length - list} smaller responses`);
  return { total, headers, count: rows.length };
}

const page = report("-- the page alone (no service worker)", await visit("block"), { list: 15 });
console.log(`${String(page.total).padStart(9)}  page: total body bytes (${(page.total / 1024).toFixed(1)} KiB; + ${page.headers} header bytes; ${page.count} responses); target <= 200 KiB brotli`);
const all = report("-- the whole first visit (page, then the service worker's offline copy)", await visit("allow"), { list: 10 });
console.log(`${String(all.total).padStart(9)}  first visit with the offline copy: total body bytes (${(all.total / 1024).toFixed(1)} KiB; + ${all.headers} header bytes; ${all.count} responses)`);
await browser.close();
