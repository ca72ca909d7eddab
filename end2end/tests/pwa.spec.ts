// Installability and offline behaviour.
import { expect, test } from "@playwright/test";
import { collectErrors, expectNoErrors, networkStatus, waitForServiceWorker } from "./support/app";

test("the manifest makes the app installable", async ({ page, request }) => {
  await page.goto("/");
  const href = await page.locator('link[rel="manifest"]').getAttribute("href");
  const response = await request.get(href!);
  expect(response.ok()).toBe(true);
  const manifest = await response.json();
  expect(manifest.name).toBe("КНД.Онлайн");
  expect(manifest.short_name).toBeTruthy();
  expect(manifest.lang).toBe("ru");
  expect(manifest.start_url).toBe("/");
  expect(manifest.display).toBe("standalone");
  expect(manifest.theme_color).toMatch(/^#/);
  const sizes = (purpose: string) =>
    manifest.icons.filter((i: { purpose?: string }) => (i.purpose ?? "any").split(" ").includes(purpose)).map((i: { sizes: string }) => i.sizes);
  expect(sizes("any")).toEqual(expect.arrayContaining(["192x192", "512x512"]));
  expect(sizes("maskable")).toEqual(expect.arrayContaining(["192x192", "512x512"]));
  for (const icon of manifest.icons) {
    const file = await request.get(icon.src);
    expect(file.ok(), icon.src).toBe(true);
  }
});

test("a service worker controls the page after the first visit", async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto("/");
  await waitForServiceWorker(page);
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.scope);
  expect(scope).toMatch(/\/$/);
  await expectNoErrors(errors);
});

test("offline after one visit: the app, visited pages and the offline shell load", async ({ page, context }) => {
  await page.goto("/");
  await waitForServiceWorker(page);
  // A page reached by client-side navigation is stored too.
  await page.getByRole("navigation", { name: "Основная навигация" }).getByRole("link", { name: "О портале" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "О портале" })).toBeVisible();
  // The worker stores it in the background; the page opens offline once it is there.
  const about = new URL(page.url()).pathname;
  await expect
    .poll(() => page.evaluate(async (path) => (await caches.match(path)) !== undefined, about), {
      timeout: 15_000,
    })
    .toBe(true);

  await context.setOffline(true);
  try {
    await page.reload();
    await expect(page.getByRole("heading", { level: 1, name: "О портале" })).toBeVisible();
    // The worker answered from its cache because the network failed, and says so: the header
    // tells the user, whatever navigator.onLine claims.
    await expect(networkStatus(page)).toHaveText("Нет сети");

    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1, name: "КНД.Онлайн" })).toBeVisible();

    // Never visited: the offline shell of this build, not the browser's error page.
    await page.goto("/never-visited?x=1");
    await expect(page.getByRole("heading", { level: 1, name: "Нет соединения" })).toBeVisible();
    await expect(page).toHaveURL(/\/offline\?from=%2Fnever-visited%3Fx%3D1$/);
    await expect(page.getByText("/never-visited?x=1")).toBeVisible();
  } finally {
    await context.setOffline(false);
  }
  // Back online: the app checks the network and says so.
  await expect(networkStatus(page)).toHaveText("В сети");
});

test("after a visit of the home page only, the rating pages and the rating form open offline", async ({
  page,
  context,
}) => {
  const errors = collectErrors(page);
  await page.goto("/");
  await waitForServiceWorker(page);

  await context.setOffline(true);
  try {
    // Never visited: stored by the worker when it was installed, not the offline shell.
    for (const [path, heading] of [
      ["/ratings/methodology", "Методика рейтинга"],
      ["/ratings", "Региональный рейтинг"],
      ["/rate", "Оценка мероприятия"],
    ]) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
      await expect(page).toHaveURL(new RegExp(`${path.replace(/\//g, "\\/")}$`));
    }
    // The stored form hydrates and works: entering an unknown event by hand.
    await page.getByLabel("Мероприятия нет в реестре — указать вручную").check();
    await expect(page.locator("#rate-manual-notice")).toContainText("Не подтверждена");
  } finally {
    await context.setOffline(false);
  }
  await expectNoErrors(errors.filter((e) => !/Failed to fetch|ERR_INTERNET_DISCONNECTED|status of 4\d\d/.test(e)));
});

test("server functions and the API are never answered from the cache", async ({ page, context }) => {
  await page.goto("/");
  await waitForServiceWorker(page);
  const cached = await page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) {
      for (const req of await (await caches.open(name)).keys()) urls.push(new URL(req.url).pathname);
    }
    return urls;
  });
  expect(cached.some((u) => u.startsWith("/api/"))).toBe(false);
  await context.setOffline(true);
  try {
    const status = await page.evaluate(() =>
      fetch("/api/portal/region", { method: "POST" }).then(
        (r) => r.status,
        () => "network-error",
      ),
    );
    expect(status).toBe("network-error");
  } finally {
    await context.setOffline(false);
  }
});
