// The app shell: Russian by default, hydration, language switch, 404, layout.
import { expect, test } from "@playwright/test";
import { collectErrors, expectNoErrors, waitForServiceWorker } from "./support/app";

test("home page renders in Russian and hydrates without errors", async ({ page }) => {
  const errors = collectErrors(page);
  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  await expect(page.locator("html")).toHaveAttribute("lang", "ru");
  await expect(page).toHaveTitle(/КНД\.Онлайн/);
  await expect(page.getByRole("heading", { level: 1, name: "КНД.Онлайн" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Сервисы портала" })).toBeVisible();
  for (const service of ["Информационный портал", "Региональный рейтинг", "Центр консультаций"]) {
    await expect(page.getByRole("heading", { name: service })).toBeVisible();
  }
  await expect(page.getByText("Хабаровский край (демо)")).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Основная навигация" })).toBeVisible();
  await expect(page.getByRole("main")).toBeVisible();
  await waitForServiceWorker(page);
  await expect(page.getByRole("status").filter({ hasText: "В сети" })).toBeVisible();
  await expectNoErrors(errors);
});

test("the language switch changes the interface and remembers the choice", async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto("/");
  await waitForServiceWorker(page);
  await page.getByRole("button", { name: "Switch to English" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "KND.Online" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Services of the portal" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  expect(await page.evaluate(() => localStorage.getItem("knd_locale"))).toContain("en");

  // The server renders the remembered language on the next visit.
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "KND.Online" })).toBeVisible();
  await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "About" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "About" })).toBeVisible();

  await page.getByRole("button", { name: "Переключить на русский" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "О портале" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "ru");
  await expectNoErrors(errors);
});

test("an unknown address answers 404 with a Russian page", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "Страница не найдена" })).toBeVisible();
  await page.getByRole("link", { name: "Перейти на главную" }).click();
  await expect(page).toHaveURL(/\/$/);
});

test("navigation is a bottom bar on phones and a side bar on wide screens", async ({ page }) => {
  await page.goto("/");
  const nav = page.getByRole("navigation", { name: "Основная навигация" });
  const phone = await nav.boundingBox();
  const viewport = page.viewportSize()!;
  expect(phone!.y + phone!.height).toBeGreaterThan(viewport.height - 2);
  expect(phone!.width).toBeGreaterThan(viewport.width - 2);

  await page.setViewportSize({ width: 1280, height: 800 });
  const wide = await nav.boundingBox();
  expect(wide!.width).toBeLessThan(400);
  expect(wide!.x).toBeLessThan(50);
});

test("keyboard users can skip to the content", async ({ page }) => {
  await page.goto("/");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Перейти к содержанию" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
});

test.describe("code splitting", () => {
  // Without the service worker, which would fetch every chunk for offline use.
  test.use({ serviceWorkers: "block" });

  test("the home page needs only the main module; a page's chunk comes when it is opened", async ({ page }) => {
    const errors = collectErrors(page);
    const wasm: string[] = [];
    page.on("request", (request) => {
      const path = new URL(request.url()).pathname;
      if (path.endsWith(".wasm")) wasm.push(path);
    });
    await page.goto("/");
    await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
    await page.getByRole("button", { name: "Switch to English" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "KND.Online" })).toBeVisible();
    // The page chunks only: the background jobs (the offline copy, the outbox) load their own
    // chunks once the page is idle (`client::chunk`).
    const pageChunks = () => wasm.filter((path) => /split_\w+_pages_/.test(path));
    expect(wasm.filter((path) => /^\/pkg\/knd\.[\w-]+\.wasm$/.test(path))).toHaveLength(1);
    expect(pageChunks()).toEqual([]);

    // Client-side navigation to a catalogue page fetches the catalogue group, nothing else.
    await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Search" }).click();
    await expect(page).toHaveURL(/\/search$/);
    await expect(page.getByRole("heading", { level: 1, name: "Search", exact: true })).toBeVisible();
    expect(pageChunks()).toEqual([
      expect.stringMatching(/^\/pkg\/split_catalogue_pages_/),
    ]);
    await expectNoErrors(errors);
  });

  test("a page opened directly has its chunk preloaded with the main module", async ({ page }) => {
    const errors = collectErrors(page);
    const chunkRequests: string[] = [];
    page.on("request", (request) => {
      if (request.url().includes("split_rating_pages_")) chunkRequests.push(request.url());
    });
    await page.goto("/ratings/methodology");
    const preloads = await page
      .locator('link[rel="preload"][as="fetch"]')
      .evaluateAll((links) => links.map((link) => new URL((link as HTMLLinkElement).href).pathname));
    expect(preloads).toContainEqual(expect.stringMatching(/^\/pkg\/knd\.[\w-]+\.wasm$/));
    expect(preloads).toContainEqual(expect.stringMatching(/^\/pkg\/split_rating_pages_/));
    expect(preloads.some((path) => path.includes("split_catalogue_pages_"))).toBe(false);
    await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    // The loader's fetch reuses the preloaded response instead of downloading it again.
    expect(chunkRequests).toHaveLength(1);
    await expectNoErrors(errors);
  });
});
