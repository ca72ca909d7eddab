// Rating an event the register does not know: offline, the business picks the body, a kind of
// control of that body, the date, the type and its organisation from what the device keeps; the
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
  browser,
}) => {
  const errors = collectErrors(page);
  await signIn(page, "business@demo.knd.local");
  // One online visit keeps the criteria, the kinds of control and the organisations on the device.
  await page.goto("/rate");
  await expect(page.locator(".criterion").first()).toBeVisible();
  await page.getByLabel("Мероприятия нет в реестре — указать вручную").check();
  await expect(page.locator("#rate-kind option[value='chs-nadzor']")).toBeAttached();
  await expect(page.locator("#rate-org option").nth(1)).toBeAttached();
  await page.goto("/drafts");
  await expect(page.getByRole("heading", { level: 1, name: "Черновики и отправки" })).toBeVisible();

  await context.setOffline(true);
  await page.goto("/rate");
  await expect(page.locator(".criterion").first()).toBeVisible();
  await page.getByLabel("Мероприятия нет в реестре — указать вручную").check();
  // The form says plainly what such a rating is.
  const notice = page.locator("#rate-manual-notice");
  await expect(notice.locator(".badge")).toHaveText("Не подтверждена");
  await expect(notice).toContainText("в расчёт рейтинга она не войдёт");
  // Submitting without the event's details names what is missing.
  const criteria = page.locator(".criterion");
  for (let i = 0; i < (await criteria.count()); i++) {
    await criteria.nth(i).locator("label.scale-option", { hasText: /^7$/ }).click();
  }
  // One low score, so that the body's manager is alerted too.
  await criteria.nth(0).locator("label.scale-option", { hasText: /^3$/ }).click();
  await criteria.nth(0).getByLabel("Непонятные разъяснения").check();
  await page.getByRole("button", { name: "Отправить оценку" }).click();
  await expect(page.locator("#rate-body-error")).toHaveText("Выберите контрольный орган.");
  await expect(page.locator("#rate-kind-error")).toContainText("Выберите вид контроля");
  await expect(page.locator("#rate-date-error")).toContainText("Укажите дату мероприятия");
  await expect(page.getByLabel("Контрольный орган")).toHaveAttribute("aria-describedby", "rate-body-error");
  await expect(page.getByLabel("Контрольный орган")).toHaveAttribute("aria-invalid", "true");

  // The body first: then only its kinds are offered.
  const body = await page
    .locator("#rate-kind option[value='chs-nadzor']")
    .evaluate((o) => o.textContent!.split(" — ").pop()!.trim());
  await page.getByLabel("Контрольный орган").selectOption({ label: body });
  await expect(page.locator("#rate-body-error")).toBeEmpty();
  const offered = await page.locator("#rate-kind option").allTextContents();
  expect(offered.every((text) => !text.includes(" — "))).toBe(true);
  await page.getByLabel("Вид контроля", { exact: true }).selectOption("chs-nadzor");
  await page.getByLabel("Дата мероприятия").fill(daysAgo(10));
  await page.getByLabel("Вид мероприятия").selectOption("knm");
  await page.getByLabel("Организация", { exact: true }).selectOption({ index: 1 });
  const comment = `Проверка без номера в реестре (${Date.now()}).`;
  await page.getByLabel("Комментарий (необязательно)").fill(comment);
  await expect(page.locator("[data-saved='true']")).toBeVisible();

  // The draft survives a reload with its manual details.
  await page.goto("/drafts");
  const draft = page.locator("li.draft[data-status='draft']");
  await expect(draft).toHaveCount(1);
  await draft.getByRole("link", { name: "Продолжить" }).click();
  await expect(page.getByLabel("Мероприятия нет в реестре — указать вручную")).toBeChecked();
  await expect(page.locator("#rate-body option:checked")).toHaveText(body);
  await expect(page.locator("#rate-kind")).toHaveValue("chs-nadzor");
  await expect(page.getByLabel("Дата мероприятия")).toHaveValue(daysAgo(10));
  await expect(page.getByLabel("Вид мероприятия")).toHaveValue("knm");
  await expect(page.getByLabel("Организация", { exact: true })).not.toHaveValue("");
  await page.getByRole("button", { name: "Отправить оценку" }).click();
  await expect(page).toHaveURL(/\/drafts$/);
  await expect(page.locator("li.draft[data-status='queued']")).toHaveCount(1);

  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  const sent = page.locator("li.draft[data-status='sent']");
  await expect(sent).toHaveCount(1, { timeout: 15_000 });
  await expect(sent).toContainText("Отправлено");
  await expect(sent).toContainText("указано вручную");

  // Public, without the rater, and marked unconfirmed.
  await page.goto("/ratings/feedback");
  const review = page.locator("article.review", { hasText: comment });
  await expect(review).toHaveCount(1);
  await expect(review.locator(".badge-unconfirmed")).toHaveText("Не подтверждена");
  await expect(review).toContainText("мероприятия нет в реестре");

  // The body's manager sees it among the low ratings, marked the same way.
  const managerContext = await browser.newContext();
  const manager = await managerContext.newPage();
  await signIn(manager, "manager@demo.knd.local");
  await manager.goto("/cabinet/ratings");
  const alert = manager.locator("article.review", { hasText: comment });
  await expect(alert).toBeVisible();
  await expect(alert.locator(".badge-unconfirmed")).toHaveText("Не подтверждена");
  await managerContext.close();
  await expectNoErrors(errors.filter((e) => !/Failed to fetch|ERR_INTERNET_DISCONNECTED|status of 4\d\d/.test(e)));
});
