// The browser side of scripts/load's rolling update: a business is halfway through a
// self-assessment on the old build when a new one is rolled out instance by instance behind the
// load balancer. Prints one line: whether «Доступна новая версия» was offered, the builds before
// and after, whether the draft's answer survived the update, and the errors the page reported
// (hydration panics included).
//
// Usage: node rolling-update.mjs ORIGIN SIGNAL_FILE
//   prints "READY" once the draft is stored, then waits for SIGNAL_FILE (the rollout is done).
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";

const [origin, signal] = process.argv.slice(2);
const KIND = "chs-nadzor";
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const result = { prompt: false, before: null, after: null, draft_kept: false, errors: [] };
try {
  const context = await browser.newContext({ baseURL: origin });
  const page = await context.newPage();
  page.on("console", (m) => m.type() === "error" && result.errors.push(m.text()));
  page.on("pageerror", (e) => result.errors.push(e.message));
  const hydrated = () => page.locator("html[data-hydrated]").waitFor({ state: "attached", timeout: 60_000 });
  const build = () => page.locator('meta[name="knd-build"]').getAttribute("content");

  const login = await page.request.post("/api/session/login", {
    data: { email: "business@demo.knd.local", password: "demo-password-2026" },
    headers: { origin },
  });
  if (!login.ok()) throw new Error(`sign-in answered ${login.status()}`);
  await page.goto("/self-check");
  await hydrated();
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 60_000 });
  await page.locator(`#sc-kind-${KIND}`).check();
  await page.getByRole("button", { name: "Начать", exact: true }).click();
  await page.waitForURL(/\/self-check\/[0-9a-f-]{36}$/, { timeout: 60_000 });
  const question = page.locator("li.question").first();
  await question.waitFor({ timeout: 60_000 });
  const answer = question.locator("input[type=radio]").first();
  await answer.check();
  const answerId = await answer.getAttribute("id");
  // The draft is written to the device as the answer changes; give it a moment to land.
  await page.waitForTimeout(1500);
  result.before = await build();
  console.log("READY");

  while (!existsSync(signal)) await new Promise((r) => setTimeout(r, 250));
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
  const prompt = page.getByRole("alert").filter({ hasText: "Доступна новая версия" });
  try {
    await prompt.waitFor({ timeout: 30_000 });
    result.prompt = true;
    await Promise.all([page.waitForEvent("load"), prompt.getByRole("button", { name: "Обновить" }).click()]);
  } catch {
    await page.reload();
  }
  await hydrated();
  result.after = await build();
  await question.waitFor({ timeout: 30_000 });
  result.draft_kept = await page.locator(`[id='${answerId}']`).isChecked();
} catch (error) {
  result.errors.push(`script: ${error.message.split("\n")[0]}`);
} finally {
  await browser.close();
}
const panics = result.errors.filter((e) => /panicked|unreachable/.test(e)).length;
console.log(
  `ROLLOUT prompt=${result.prompt ? "yes" : "no"} build_before=${result.before} build_after=${result.after} ` +
    `draft_kept=${result.draft_kept ? "yes" : "no"} panics=${panics} page_errors=${result.errors.length}`,
);
for (const e of result.errors.slice(0, 5)) console.log(`  page error: ${e.slice(0, 200)}`);
