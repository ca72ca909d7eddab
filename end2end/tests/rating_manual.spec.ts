// Rating an event the register does not know: offline, the business picks the kind of control
// (and so the body), the date, the type and its organisation from what the device keeps; the
// rating is queued, sent once when the network returns, and shown publicly as unconfirmed.
import { expect, test } from "@playwright/test";
import { collectErrors, expectNoErrors, signIn } from "./support/app";



function daysAgo(days: number): string {
  const d = new Date(Date.now() - days * 86_400_000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

test("an event the register does not know is rated by hand offline and shown as unconfirmed", async ({
  page,
  context,
}) => {
  const errors = collectErrors(page);
  await signIn(page, "business@demo.knd.local");
  // One online visit keeps the criteria, the kinds of control and the organisations on the device.
  await page.goto("/rate");
  await expect(page.locator(".criterion").first()).toBeVisible();
  await page.getByLabel("Мероприятия нет в реестре — указать вручную").check();
  await expect(page.locator("#rate-kind option[value='chs-nadzor']")).toBeAttached();
  await page.goto("/drafts");
  await expect(page.getByRole("heading", { level: 1, name: "Черновики и отправки" })).toBeVisible();

  await context.setOffline(true);
  await page.goto("/rate");
  await expect(page.locator(".criterion").first()).toBeVisible();
  await page.getByLabel("Мероприятия нет в реестре — указать вручную").check();
  await expect(page.getByText("отмечена как неподтверждённая")).toBeVisible();
  // Submitting without the event's details names what is missing.
  const criteria = page.locator(".criterion");
  for (let i = 0; i < (await criteria.count()); i++) {
    await criteria.nth(i).locator("label.scale-option", { hasText: /^7$/ }).click();
  }
  await page.getByRole("button", { name: "Отправить оценку" }).click();
  await expect(page.locator("#rate-kind-error")).toContainText("Выберите вид контроля");
  await page.locator("#rate-kind").selectOption("chs-nadzor");
  await page.getByLabel("Дата мероприятия").fill(daysAgo(10));
  await page.locator("#rate-type").selectOption("knm");
  const comment = `Проверка без номера в реестре (${Date.now()}).`;
  await page.getByLabel("Комментарий (необязательно)").fill(comment);
  await expect(page.locator("[data-saved='true']")).toBeVisible();

  // The draft survives a reload with its manual details.
  await page.goto("/drafts");
  const draft = page.locator("li.draft[data-status='draft']");
  await expect(draft).toHaveCount(1);
  await draft.getByRole("link", { name: "Продолжить" }).click();
  await expect(page.locator("#rate-kind")).toHaveValue("chs-nadzor");
  await expect(page.getByLabel("Дата мероприятия")).toHaveValue(daysAgo(10));
  await page.getByRole("button", { name: "Отправить оценку" }).click();
  await expect(page).toHaveURL(/\/drafts$/);
  await expect(page.locator("li.draft[data-status='queued']")).toHaveCount(1);

  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  await expect(page.locator("li.draft[data-status='sent']")).toHaveCount(1, { timeout: 15_000 });

  // Public, without the rater, and marked unconfirmed.
  await page.goto("/ratings/feedback");
  const review = page.locator("article.review", { hasText: comment });
  await expect(review).toHaveCount(1);
  await expect(review).toContainText("мероприятие не подтверждено реестром");
  await expectNoErrors(errors.filter((e) => !/Failed to fetch|ERR_INTERNET_DISCONNECTED|status of 4\d\d/.test(e)));
});
