// What each page of issue 14's budget costs on the wire before it is interactive: every
// response that finished before the app marked the page hydrated (`data-hydrated` on <html>),
// compressed body bytes as sent, in a fresh Chromium profile with service workers blocked (a
// first visit). The budget is 250 KB (brotli) for HTML + CSS + JS + main wasm + the page's
// chunks; what the page fetches after that (the offline copy, other chunks) is listed apart.
// Prints figures, asserts nothing.
// Usage: node scripts/page-weight.mjs BASE_URL [path...]
import { chromium } from "playwright-core";

const base = process.argv[2].replace(/\/$/, "");
const paths = process.argv.length > 3
  ? process.argv.slice(3)
  : ["/", "/bodies", "/kinds/chs-nadzor", "/ratings", "/rate", "/self-check"];
const signedIn = new Set(["/rate", "/self-check"]);
const BUDGET = 250 * 1000;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

async function signIn(context) {
  const res = await context.request.post(`${base}/api/session/login`, {
    data: { email: "business@demo.knd.local", password: "demo-password-2026" },
  });
  if (!res.ok()) throw new Error(`demo sign-in failed: ${res.status()}`);
}

async function weigh(path) {
  const context = await browser.newContext({ serviceWorkers: "block" });
  if (signedIn.has(path)) await signIn(context);
  const page = await context.newPage();
  let hydratedAt = Infinity;
  const rows = [];
  page.on("requestfinished", async (request) => {
    const finished = Date.now();
    const sizes = await request.sizes();
    rows.push({ url: new URL(request.url()).pathname, bytes: Math.max(0, sizes.responseBodySize), finished });
  });
  await page.goto(base + path, { waitUntil: "load" });
  await page.waitForFunction(() => document.documentElement.hasAttribute("data-hydrated"), null, { timeout: 60_000 });
  hydratedAt = Date.now();
  await page.waitForLoadState("networkidle");
  await page.waitForTimeout(1000);
  await context.close();
  const before = rows.filter((r) => r.finished <= hydratedAt);
  const after = rows.filter((r) => r.finished > hydratedAt);
  const sum = (list) => list.reduce((total, r) => total + r.bytes, 0);
  return { before, after, interactive: sum(before), later: sum(after) };
}

const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`.padStart(9);
console.log(`${"page".padEnd(20)} ${"to interactive".padStart(14)}  budget   ${"after".padStart(9)}  largest before interactive`);
for (const path of paths) {
  const w = await weigh(path);
  const largest = w.before
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 4)
    .map((r) => `${r.url.replace(/^\/pkg\//, "")} ${(r.bytes / 1000).toFixed(0)}`)
    .join(", ");
  console.log(`${path.padEnd(20)} ${kb(w.interactive).padStart(14)}  ${w.interactive <= BUDGET ? "ok   " : "OVER "}  ${kb(w.later)}  ${largest}`);
}
await browser.close();
