// A page is usable from its first paint, before (or without) the wasm: links are plain
// `<a href>`, and search and the risk register are GET forms the server answers by itself.
import { expect, test } from "@playwright/test";

test.use({ javaScriptEnabled: false });

test("without JavaScript, links lead through the catalogue and the search form finds", async ({ page }) => {
  await page.goto("/");
  await page.locator('main a[href="/kinds"]').first().click();
  await expect(page).toHaveURL(/\/kinds$/);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();

  await page.locator('main a[href="/kinds/chs-nadzor"]').first().click();
  await expect(page).toHaveURL(/\/kinds\/chs-nadzor$/);
  await page.locator('main a[href="/kinds/chs-nadzor/requirements"]').first().click();
  await expect(page).toHaveURL(/\/kinds\/chs-nadzor\/requirements$/);
  await expect(page.locator("main [id^='req-']").first()).toBeVisible();

  await page.goto("/search");
  await page.locator("#search-q").fill("пожарн");
  await page.getByRole("button", { name: "Найти" }).click();
  await expect(page).toHaveURL(/\/search\?q=/);
  await expect(page.locator(".search-results > li").first()).toBeVisible();
  await expect(page.locator(".search-results mark").first()).toContainText(/пожар/i);
});
