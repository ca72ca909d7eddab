// Lighthouse (mobile) over the pages of issue 14's budget, in Debian's Chromium. Prints one row
// per page for each throttling method, asserts nothing:
//   - devtools throttling (150 ms RTT, 1.6 Mbps, 4× CPU, applied to the real load): LCP, time
//     to interactive, total blocking time, bytes transferred;
//   - Lighthouse's default simulated throttling: LCP and the performance score.
// Signed-in pages (`/rate`, `/self-check`) are audited with the cookies of a demo sign-in.
// Usage: node scripts/lighthouse.mjs BASE_URL [path...]
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

const base = process.argv[2].replace(/\/$/, "");
const paths = process.argv.length > 3
  ? process.argv.slice(3)
  : ["/", "/bodies", "/kinds/chs-nadzor", "/ratings", "/rate", "/self-check"];
const signedIn = new Set(["/rate", "/self-check"]);

// Cookies of one demo sign-in, sent with every request of the signed-in audits.
async function demoCookies() {
  const res = await fetch(`${base}/api/session/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "business@demo.knd.local", password: "demo-password-2026" }),
  });
  if (!res.ok) throw new Error(`demo sign-in failed: ${res.status}`);
  return res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
}

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

async function audit(url, throttlingMethod, cookie) {
  const { lhr } = await lighthouse(url, {
    port: chrome.port,
    output: "json",
    logLevel: "error",
    onlyCategories: ["performance"],
    formFactor: "mobile",
    throttlingMethod,
    extraHeaders: cookie ? { Cookie: cookie } : undefined,
  });
  const value = (id) => lhr.audits[id]?.numericValue ?? NaN;
  return {
    lcp: value("largest-contentful-paint"),
    tti: value("interactive"),
    tbt: value("total-blocking-time"),
    bytes: value("total-byte-weight"),
    score: lhr.categories.performance.score,
    error: lhr.runtimeError?.message,
  };
}

const s = (ms) => `${(ms / 1000).toFixed(2)} s`.padStart(8);
const cookie = await demoCookies();
console.log(
  `${"page".padEnd(20)} ${"LCP".padStart(8)} ${"TTI".padStart(8)} ${"TBT".padStart(8)} ${"bytes".padStart(10)}` +
    `   | simulated: ${"LCP".padStart(8)} score`,
);
try {
  for (const path of paths) {
    const c = signedIn.has(path) ? cookie : undefined;
    const d = await audit(base + path, "devtools", c);
    const sim = await audit(base + path, "simulate", c);
    const err = d.error || sim.error ? `   (${d.error ?? sim.error})` : "";
    console.log(
      `${path.padEnd(20)} ${s(d.lcp)} ${s(d.tti)} ${`${Math.round(d.tbt)} ms`.padStart(8)} ` +
        `${`${Math.round(d.bytes / 1024)} KiB`.padStart(10)}   |            ${s(sim.lcp)} ${sim.score?.toFixed(2)}${err}`,
    );
  }
} finally {
  await chrome.kill();
}
