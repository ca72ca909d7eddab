// Every page of the route table (app/src/route_examples.json, checked against app.rs by
// `routes::tests`), in Russian and English, light and dark, at 360 and 390 px and at 1280 px:
// the page never scrolls sideways, the header's items do not overlap or run off the screen,
// and axe-core finds no serious or critical WCAG 2.2 A/AA violation. Screenshots at 390 px go
// to target/e2e-screenshots/ for people to look at.
import { test, expect, type Browser, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { mkdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { DEMO_PASSWORD, waitForHydration } from "./support/app";
import { sql } from "./support/db";
import { ROOT } from "./support/env";

type Example = { route: string; path: string; as: string | null };
const examples: Example[] = JSON.parse(
  readFileSync(resolve(ROOT, "app/src/route_examples.json"), "utf8"),
).routes;

const WIDTHS = [360, 390, 1280];
const THEMES = ["light", "dark"] as const;
const LANGS = ["ru", "en"] as const;
const SHOTS = resolve(ROOT, "target/e2e-screenshots");

/** Demo data the example addresses refer to. */
function fill(path: string): string {
  return path
    .replace("{report}", () =>
      sql(`SELECT s.id FROM self_assessment s JOIN app_user u ON u.id = s.user_id
           WHERE u.email = 'entrepreneur1@demo.knd.local' ORDER BY s.submitted_at DESC LIMIT 1`).trim())
    .replace("{requirement}", () => sql("SELECT id FROM requirement ORDER BY id LIMIT 1").trim());
}

/** Session cookies per demo account, signed in once for the whole file. */
const sessions = new Map<string, { name: string; value: string; url: string }[]>();
async function sessionOf(browser: Browser, who: string, baseURL: string) {
  if (!sessions.has(who)) {
    const context = await browser.newContext({ baseURL });
    const response = await context.request.post("/api/session/login", {
      data: { email: `${who}@demo.knd.local`, password: DEMO_PASSWORD },
    });
    expect(response.ok(), `sign-in of ${who}: ${response.status()}`).toBeTruthy();
    const cookies = (await context.cookies()).map((c) => ({ name: c.name, value: c.value, url: baseURL }));
    sessions.set(who, cookies);
    await context.close();
  }
  return sessions.get(who)!;
}

/** What is wrong with the layout at the current width, as sentences (empty when fine). */
async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const width = window.innerWidth;
    const doc = document.documentElement;
    if (doc.scrollWidth > width + 1) {
      // Name the widest elements, so the failure says where to look.
      const wide = [...document.querySelectorAll("body *")]
        .filter((e) => e.getBoundingClientRect().right > width + 1 && e.getClientRects().length > 0)
        .slice(0, 3)
        .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")}`);
      problems.push(`page scrolls sideways: ${doc.scrollWidth} px wide in ${width} (${wide.join(", ")})`);
    }
    const visible = (e: Element) => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== "hidden";
    };
    const items = [
      ...document.querySelectorAll(".app-header .brand-logo, .app-header .brand-text"),
      ...document.querySelectorAll(".app-header .header-tools > *"),
    ].filter(visible);
    const name = (e: Element) => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")}`;
    for (const item of items) {
      const r = item.getBoundingClientRect();
      if (r.left < -1 || r.right > width + 1) problems.push(`${name(item)} runs off the screen`);
    }
    for (let i = 0; i < items.length; i++) {
      for (let j = i + 1; j < items.length; j++) {
        const a = items[i].getBoundingClientRect();
        const b = items[j].getBoundingClientRect();
        const overlapX = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const overlapY = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (overlapX > 1 && overlapY > 1) problems.push(`${name(items[i])} overlaps ${name(items[j])}`);
      }
    }
    const brand = document.querySelector(".app-header .brand-name");
    if (brand && brand.scrollWidth > brand.clientWidth + 1) problems.push("the portal's name is cut");
    return problems;
  });
}

for (const example of examples) {
  test(`layout and accessibility: ${example.route}`, async ({ browser, baseURL }) => {
    test.setTimeout(120_000);
    const path = fill(example.path);
    const problems: string[] = [];
    for (const lang of LANGS) {
      for (const theme of THEMES) {
        const context = await browser.newContext({
          baseURL,
          colorScheme: theme,
          viewport: { width: 390, height: 844 },
          hasTouch: true,
          serviceWorkers: "block",
        });
        await context.addCookies([{ name: "knd_locale", value: lang, url: baseURL! }]);
        if (example.as) await context.addCookies(await sessionOf(browser, example.as, baseURL!));
        const page = await context.newPage();
        await page.goto(path);
        await waitForHydration(page);
        await page.waitForLoadState("networkidle");
        const where = `${lang}, ${theme}`;
        await expect(page.locator("html")).toHaveAttribute("lang", lang);

        const name = example.route.replace(/^\/$/, "/home").replace(/[/:]+/g, "_").replace(/^_/, "");
        mkdirSync(resolve(SHOTS, `${lang}-${theme}`), { recursive: true });
        await page.screenshot({ path: resolve(SHOTS, `${lang}-${theme}`, `${name}.png`), fullPage: true });

        const axe = await new AxeBuilder({ page })
          .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
          .analyze();
        // The audit ran (an empty result from a page axe could not read would pass silently).
        expect(axe.passes.length, `axe found nothing to check on ${path}`).toBeGreaterThan(10);
        for (const v of axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical")) {
          const nodes = v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ");
          problems.push(`${where}, 390 px: axe ${v.impact} ${v.id} (${v.help}) at ${nodes}`);
        }
        for (const width of WIDTHS) {
          await page.setViewportSize({ width, height: 844 });
          for (const problem of await layoutProblems(page)) problems.push(`${where}, ${width} px: ${problem}`);
        }
        await context.close();
      }
    }
    expect(problems, `${path}:\n${problems.join("\n")}`).toEqual([]);
  });
}
