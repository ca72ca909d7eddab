// The offline copy (the service worker's precache and the catalogue snapshot) never competes
// with what a page needs first: it is fetched only after the page has loaded, and on a
// data-saving connection only once the user asks for it.
import { expect, test, type Page } from "@playwright/test";
import { waitForHydration, waitForServiceWorker } from "./support/app";

/** Records, in page time, when the page loaded, when the worker was registered and when the
 * catalogue copy was first asked for. */
async function recordTimes(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as Record<string, number>;
    window.addEventListener("load", () => (w.__loadAt = performance.now()));
    const register = ServiceWorkerContainer.prototype.register;
    ServiceWorkerContainer.prototype.register = function (...args) {
      w.__registerAt ??= performance.now();
      return register.apply(this, args);
    };
    const fetch = window.fetch;
    window.fetch = (input, init) => {
      if (String(input instanceof Request ? input.url : input).includes("/api/v1/catalogue/")) {
        w.__catalogueAt ??= performance.now();
      }
      return fetch(input, init);
    };
  });
}

async function times(page: Page): Promise<Record<string, number | undefined>> {
  return page.evaluate(() => {
    const w = window as unknown as Record<string, number | undefined>;
    return { load: w.__loadAt, register: w.__registerAt, catalogue: w.__catalogueAt };
  });
}

test("the offline copy is fetched only after the page has loaded", async ({ page }) => {
  await recordTimes(page);
  await page.goto("/kinds");
  await waitForServiceWorker(page);
  await expect(page.locator(".offline-copy")).toContainText("Каталог сохранён на устройстве");
  const t = await times(page);
  expect(t.load).toBeDefined();
  expect(t.register).toBeGreaterThan(t.load!);
  expect(t.catalogue).toBeGreaterThan(t.load!);
});

test("with Save-Data the copy waits for «Сохранить для работы без сети», then is kept", async ({ page }) => {
  await recordTimes(page);
  await page.addInitScript(() => {
    const connection = (navigator as unknown as { connection?: object }).connection;
    if (connection) Object.defineProperty(connection, "saveData", { get: () => true });
  });
  await page.goto("/kinds");
  await waitForHydration(page);
  const save = page.getByRole("button", { name: "Сохранить для работы без сети" });
  await expect(save).toBeVisible();
  await expect(page.getByText("Включена экономия трафика")).toBeVisible();
  // Well past load and idle: still nothing fetched for offline use.
  await page.waitForTimeout(4000);
  expect(await times(page)).toMatchObject({ register: undefined, catalogue: undefined });
  expect(await page.evaluate(async () => !!(await navigator.serviceWorker.getRegistration()))).toBe(false);

  await save.click();
  await waitForServiceWorker(page);
  await expect(page.locator(".offline-copy")).toContainText("Каталог сохранён на устройстве");

  // The device remembers the answer: the next visit keeps the copy current without asking.
  await page.reload();
  await waitForHydration(page);
  await expect(page.locator(".offline-copy")).toContainText("Каталог сохранён на устройстве");
  await expect(save).toHaveCount(0);
});
