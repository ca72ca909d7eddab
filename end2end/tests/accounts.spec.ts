// Accounts and the cabinet: sign up, claim an organisation (a wrong ИНН or a ОГРН that is not
// the register's is explained next to its field and saves nothing; a right one is a request
// that waits for a decision, never the role itself), switch language, log out; the demo
// manager sees their body.
import { expect, test, type Page } from "@playwright/test";
import { collectErrors, expectNoErrors, waitForServiceWorker } from "./support/app";
import { legalEntityInn, ogrn, withTypo } from "./support/registry";

/** The organisations the signed-in user acts for, asked of the server itself. */
async function myOrganisations(page: Page): Promise<Array<{ name: string; inn: string; pending: boolean }>> {
  return page.evaluate(async () => {
    const response = await fetch("/api/organisations/mine", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    return response.json();
  });
}

test("an entrepreneur signs up, claims an organisation after fixing its numbers, and logs out", async ({ page }) => {
  const errors = collectErrors(page);
  const email = `e2e-${Date.now()}@example.ru`;
  await page.goto("/signup");
  await waitForServiceWorker(page);
  await expect(page.getByRole("heading", { level: 1, name: "Регистрация" })).toBeVisible();

  // A short password is explained under its field before anything is sent.
  await page.getByLabel("Как к вам обращаться").fill("Мария Иванова");
  await page.getByLabel("Электронная почта").fill(email);
  await page.getByLabel("Пароль").fill("короткий");
  await page.getByRole("button", { name: "Зарегистрироваться" }).click();
  await expect(page.getByLabel("Пароль")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Пароль")).toHaveAccessibleDescription(/не меньше 10 символов/);

  await page.getByLabel("Пароль").fill("надёжный-пароль-2026");
  await page.getByRole("button", { name: "Зарегистрироваться" }).click();
  await expect(page).toHaveURL(/\/cabinet$/);
  await expect(page.getByRole("heading", { level: 1, name: "Личный кабинет" })).toBeVisible();
  await expect(page.getByText(email)).toBeVisible();
  await expect(page.getByText("Вы ещё не добавили ни одной организации.")).toBeVisible();

  // A typo in the ИНН: a clear Russian message next to the field, and nothing is saved.
  const inn = legalEntityInn();
  await page.getByLabel("Наименование").fill("ООО «Северный ветер»");
  await page.getByLabel("ИНН", { exact: true }).fill(withTypo(inn));
  await page.getByLabel("ОГРН или ОГРНИП").fill(ogrn());
  await page.getByRole("button", { name: "Отправить запрос", exact: true }).click();
  const innField = page.getByLabel("ИНН", { exact: true });
  await expect(innField).toHaveAttribute("aria-invalid", "true");
  await expect(innField).toHaveAccessibleDescription(/ИНН: номер не прошёл проверку контрольной суммы/);
  expect(await myOrganisations(page)).toEqual([]);

  // A registered organisation's ИНН with a ОГРН that is not the register's: at the ОГРН field.
  await innField.fill("2721001237");
  await page.getByRole("button", { name: "Отправить запрос", exact: true }).click();
  const ogrnField = page.getByLabel("ОГРН или ОГРНИП");
  await expect(ogrnField).toHaveAccessibleDescription(/ОГРН не совпадает/);
  expect(await myOrganisations(page)).toEqual([]);

  // Fixed: a request that waits for a decision; the user holds no role in it yet.
  await innField.fill(inn);
  await page.getByRole("button", { name: "Отправить запрос", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Запрос отправлен и ждёт решения" })).toContainText(
    "ООО «Северный ветер»",
  );
  await expect(innField).not.toHaveAttribute("aria-invalid", "true");
  const list = page.getByRole("region", { name: "Мои организации" }).getByRole("listitem");
  await expect(list).toHaveCount(1);
  await expect(list.first()).toContainText("ООО «Северный ветер»");
  await expect(list.first()).toContainText(inn);
  await expect(list.first()).toContainText("Ожидает подтверждения");
  expect((await myOrganisations(page)).map((o) => [o.inn, o.pending])).toEqual([[inn, true]]);
  const requests = page.getByRole("region", { name: "Мои запросы на представительство" });
  await expect(requests.getByRole("listitem")).toContainText("Ожидает решения");
  const header = page.getByRole("banner");
  await expect(header.getByRole("link", { name: /Предприниматель/ })).toHaveCount(0);

  // The cabinet speaks English and back.
  await page.getByRole("button", { name: "Switch to English" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Personal cabinet" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "My organisations" })).toBeVisible();
  await expect(
    page.getByRole("region", { name: "My organisations" }).getByRole("listitem").first(),
  ).toContainText("Awaiting confirmation");
  await page.getByRole("button", { name: "Переключить на русский" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Личный кабинет" })).toBeVisible();

  // Logging out ends the session: the cabinet asks to sign in again.
  await page.getByRole("button", { name: "Выйти", exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(header.getByRole("link", { name: "Войти" })).toBeVisible();
  await page.goto("/cabinet");
  await expect(page.getByText("Войдите или зарегистрируйтесь")).toBeVisible();
  await expectNoErrors(errors.filter((e) => !/status of 4\d\d/.test(e)));
});

test("the demo manager signs in and sees their body's staff", async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto("/login");
  await waitForServiceWorker(page);
  await page.getByLabel("Электронная почта").fill("manager@demo.knd.local");
  await page.getByLabel("Пароль").fill("wrong-password-1");
  await page.getByRole("button", { name: "Войти", exact: true }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Неверный адрес электронной почты или пароль." })).toBeVisible();

  await page.getByLabel("Пароль").fill("demo-password-2026");
  await page.getByRole("button", { name: "Войти", exact: true }).click();
  await expect(page).toHaveURL(/\/cabinet$/);
  const staff = page.getByRole("region", { name: "Органы, подразделения и сотрудники" });
  await expect(staff).toBeVisible();
  await expect(
    staff.getByRole("heading", { name: "Главное контрольное управление Хабаровского края (демо)" }),
  ).toBeVisible();
  await expect(staff.getByText("Инспектор Иванов (демо)")).toBeVisible();
  await expect(page.getByRole("banner").getByRole("link", { name: /Руководитель органа/ })).toBeVisible();
  // A manager appoints inspectors only.
  await expect(staff.getByLabel("Роль").locator("option")).toHaveText(["Инспектор"]);
  await expectNoErrors(errors.filter((e) => !/status of 4\d\d/.test(e)));
});
