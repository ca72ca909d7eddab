// The two-way rating on a phone with no network: a draft that survives a reload, the follow-up
// a low score requires, a submission queued offline and sent exactly once when the network
// comes back.
import { expect, test, type Page } from "@playwright/test";
import { collectErrors, expectNoErrors, signIn } from "./support/app";



async function ratedTotal(page: Page): Promise<number> {
  const response = await page.request.get("/api/v1/ratings/bodies");
  expect(response.status()).toBe(200);
  const bodies: { count: number }[] = await response.json();
  return bodies.reduce((sum, b) => sum + b.count, 0);
}

test("the demo business rates an event offline; it is sent once, counted publicly, and the manager replies in public", async ({
  page,
  context,
  browser,
}) => {
  const errors = collectErrors(page);
  const before = await ratedTotal(page);
  await signIn(page, "business@demo.knd.local");
  // One online visit: the criteria and the business's events stay on the device.
  await page.goto("/rate");
  const picks = page.locator(".event-pick");
  await expect(picks.first()).toBeVisible();
  const number = (await picks.first().textContent())!.match(/№ (\d{20})/)![1];
  await expect(page.locator(".criterion").first()).toBeVisible();
  await page.goto("/drafts");
  await expect(page.getByRole("heading", { level: 1, name: "Черновики и отправки" })).toBeVisible();

  await context.setOffline(true);
  await page.goto("/rate");
  // The criteria come from the device once the page has hydrated.
  await expect(page.locator(".criterion").first()).toBeVisible();
  await page.getByLabel("Номер мероприятия в ЕРКНМ или ссылка на него").fill(
    `https://proverki.gov.ru/portal/public-knm/view/${number}`,
  );
  await expect(page.locator("#rate-number-state")).toContainText("Нет связи");
  const criteria = page.locator(".criterion");
  expect(await criteria.count()).toBe(5);
  // Courtesy 3: the follow-up appears and is required.
  await criteria.nth(0).locator("label.scale-option", { hasText: /^3$/ }).click();
  await expect(criteria.nth(0).locator(".reasons")).toBeVisible();
  for (let i = 1; i < 5; i++) {
    await criteria.nth(i).locator("label.scale-option", { hasText: /^8$/ }).click();
  }
  await page.getByLabel("Комментарий (необязательно)").fill("Проверка прошла в срок, но разъяснений не хватило.");
  await page.getByRole("button", { name: "Отправить оценку" }).click();
  await expect(page.locator(".criterion.invalid")).toHaveCount(1);
  await expect(criteria.nth(0).getByRole("alert")).toContainText("выберите хотя бы одну причину");
  await expect(page).toHaveURL(/\/rate$/);

  // The draft is on the device: a reload brings it back, from the service worker's page.
  await expect(page.locator("[data-saved='true']")).toBeVisible();
  await page.goto("/drafts");
  const draft = page.locator("li.draft[data-status='draft']");
  await expect(draft).toHaveCount(1);
  await expect(draft).toContainText(number);
  await page.reload();
  await draft.getByRole("link", { name: "Продолжить" }).click();
  await expect(page.getByLabel("Номер мероприятия в ЕРКНМ или ссылка на него")).toHaveValue(
    new RegExp(number),
  );
  await expect(criteria.nth(0).locator("input[value='3']")).toBeChecked();
  await criteria.nth(0).getByLabel("Непонятные разъяснения").check();
  await page.getByRole("button", { name: "Отправить оценку" }).click();

  // Offline: queued, not lost.
  await expect(page).toHaveURL(/\/drafts$/);
  await expect(page.locator("li.draft[data-status='queued']")).toHaveCount(1);
  await expect(page.getByRole("status").filter({ hasText: "Нет связи" })).toBeVisible();

  // Online again: sent, once.
  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  await expect(page.locator("li.draft[data-status='sent']")).toHaveCount(1, { timeout: 15_000 });
  const event = await page.request.post("/api/rating/event", { data: { number } });
  expect(event.status()).toBe(200);
  expect((await event.json()).rated).toBe(true);

  // Counted once in the public aggregates; the queue is empty, so nothing is sent again.
  await expect(page.getByRole("button", { name: "Отправить сейчас" })).toBeDisabled();
  expect(await ratedTotal(page)).toBe(before + 1);

  // The body's manager sees the alert (a criterion below 5) and replies; the reply is public.
  const managerContext = await browser.newContext();
  const manager = await managerContext.newPage();
  await signIn(manager, "manager@demo.knd.local");
  await manager.goto("/cabinet/ratings");
  const comment = "Проверка прошла в срок, но разъяснений не хватило.";
  const alert = manager.locator("article.review", { hasText: comment });
  await expect(alert).toBeVisible();
  await expect(alert.locator(".scores li.low")).toHaveCount(1);
  const reply = `Спасибо за отзыв: разъяснения дополнены (${Date.now()}).`;
  await alert.getByLabel("Публичный ответ (один раз)").fill(reply);
  await alert.getByRole("button", { name: "Опубликовать ответ" }).click();
  await expect(alert.locator(".reply")).toContainText(reply);
  await managerContext.close();

  await page.goto("/ratings/feedback");
  const published = page.locator("article.review", { hasText: comment });
  await expect(published).toContainText(reply);
  await expect(published).not.toContainText("Анна Предпринимателева");
  await expectNoErrors(errors.filter((e) => !/Failed to fetch|ERR_INTERNET_DISCONNECTED|status of 4\d\d/.test(e)));
});
