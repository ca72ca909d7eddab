// A new deploy: the user is offered the new version, nothing mixes builds, and the old build's
// cache stays while a page of it is open.
import { expect, test, type Page } from "@playwright/test";
import { pageBuild, waitForServiceWorker } from "./support/app";
import { E2E_PORT } from "./support/env";
import { makeNextBuild, startServer } from "./support/server";

// Next to the suite's own server, so that two runs on one machine (each with its own
// KND_E2E_PORT) do not take each other's port.
const PORT = E2E_PORT + 1;
const ORIGIN = `http://127.0.0.1:${PORT}`;

async function buildCaches(page: Page): Promise<string[]> {
  return page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith("knd-build-")).sort());
}

test("a new build shows «Доступна новая версия» and updates when the user agrees", async ({ context }) => {
  const first = await startServer({ port: PORT });
  let second;
  try {
    const page = await context.newPage();
    const other = await context.newPage();
    await page.goto(`${ORIGIN}/`);
    await waitForServiceWorker(page);
    await other.goto(`${ORIGIN}/about`);
    await waitForServiceWorker(other);
    const oldBuild = await pageBuild(page);
    expect(await buildCaches(page)).toEqual([`knd-build-${oldBuild}`]);

    await first.stop();
    second = await startServer({ port: PORT, ...makeNextBuild() });
    const newBuild = (await (await fetch(`${ORIGIN}/healthz`)).json()).build;
    expect(newBuild).not.toBe(oldBuild);

    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
    const prompt = page.getByRole("alert").filter({ hasText: "Доступна новая версия" });
    await expect(prompt).toBeVisible({ timeout: 20_000 });

    await Promise.all([page.waitForEvent("load"), prompt.getByRole("button", { name: "Обновить" }).click()]);
    await expect.poll(() => pageBuild(page)).toBe(newBuild);
    await expect(page.getByRole("heading", { level: 1, name: "КНД.Онлайн" })).toBeVisible();

    // The other tab still shows the old build: its cache is kept, and it is offered the update.
    expect(await pageBuild(other)).toBe(oldBuild);
    await expect(other.getByRole("alert").filter({ hasText: "Доступна новая версия" })).toBeVisible();
    await expect.poll(() => buildCaches(page)).toEqual([`knd-build-${newBuild}`, `knd-build-${oldBuild}`].sort());

    // Once no page of the old build is open, its cache goes.
    await other.close();
    await page.reload();
    await waitForServiceWorker(page);
    await expect.poll(() => buildCaches(page)).toEqual([`knd-build-${newBuild}`]);
  } finally {
    await first.stop();
    await second?.stop();
  }
});
