// The information portal online: bodies, a body, a kind of control with everything on it,
// search by the beginning of a word, the risk lookup with a checked ИНН.
import { expect, test } from "@playwright/test";
import { collectErrors, expectNoErrors, waitForServiceWorker } from "./support/app";

test("bodies, a body and one of its kinds of control read online", async ({ page }) => {
  const errors = collectErrors(page);
  const response = await page.goto("/bodies");
  expect(response?.status()).toBe(200);
  await waitForServiceWorker(page);
  await expect(page.getByRole("heading", { level: 1, name: "Контрольные органы" })).toBeVisible();
  const bodies = page.locator(".cards > li");
  expect(await bodies.count()).toBeGreaterThanOrEqual(8);

  await bodies.first().getByRole("link").click();
  await expect(page).toHaveURL(/\/bodies\/[a-z0-9-]+$/);
  await expect(page.getByRole("heading", { name: "Часы приёма" })).toBeVisible();
  await expect(page.getByText(/Обновлено \d\d\.\d\d\.\d{4}/).first()).toBeVisible();
  await expect(page).toHaveTitle(/КНД\.Онлайн/);

  await page.locator("main ul a[href^='/kinds/']").first().click();
  await expect(page).toHaveURL(/\/kinds\/[a-z0-9-]+$/);
  for (const section of [
    "Ответственные должностные лица",
    "Документы, которые запрашивают при проверке",
    "Нормативные акты и обязательные требования",
    "Индикаторы риска нарушения",
    "Частые вопросы",
    "Типовые нарушения",
  ]) {
    await expect(page.getByRole("heading", { level: 2, name: section })).toBeVisible();
  }
  const faq = page.locator("details.faq").first();
  await faq.locator("summary").click();
  await expect(faq.locator("p").first()).toBeVisible();
  await expectNoErrors(errors);
});

test("search finds fire-safety content by the beginning of a word", async ({ page }) => {
  await page.goto("/search");
  await page.getByLabel("Что найти").fill("пожарн");
  await page.getByRole("button", { name: "Найти" }).click();
  await expect(page).toHaveURL(/\/search\?q=/);
  const results = page.locator(".search-results > li");
  await expect(results.first()).toBeVisible();
  expect(await results.count()).toBeGreaterThanOrEqual(5);
  await expect(page.locator(".search-results mark").first()).toContainText(/пожар/i);
});

test("the risk lookup explains a wrong ИНН and finds the demo business", async ({ page }) => {
  await page.goto("/risk");
  await page.getByLabel("ИНН или часть наименования").fill("2721001238");
  await page.getByRole("button", { name: "Найти" }).click();
  await expect(page.getByRole("alert")).toContainText("контрольной суммы");
  await page.getByLabel("ИНН или часть наименования").fill("2721001237");
  await page.getByRole("button", { name: "Найти" }).click();
  await expect(page.getByRole("heading", { name: "ООО «Демо Амур»" })).toBeVisible();
  await expect(page.locator(".risk").first()).toContainText("риск");
});
