// The information portal online: bodies, a body, a kind of control with everything on it,
// search by the beginning of a word, the risk lookup with a checked ИНН.
import { expect, test } from "@playwright/test";
import { collectErrors, expectNoErrors, networkStatus, waitForHydration, waitForServiceWorker } from "./support/app";

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
  // The answers have a page of their own; a question on the kind's page leads to its answer.
  const question = page.locator("#faq li a").first();
  const questionText = (await question.textContent())!;
  await question.click();
  await expect(page).toHaveURL(/\/kinds\/[a-z0-9-]+\/faq#faq-/);
  await expect(page.getByRole("heading", { level: 1, name: "Частые вопросы" })).toBeVisible();
  const faq = page.locator("details.faq").filter({ hasText: questionText }).first();
  await faq.locator("summary").click();
  await expect(faq.locator("p").first()).toBeVisible();
  await expectNoErrors(errors);
});

test("search finds fire-safety content by the beginning of a word", async ({ page }) => {
  await page.goto("/search");
  // Typed before hydration, the query would be reset by it.
  await waitForHydration(page);
  await page.getByLabel("Что найти").fill("пожарн");
  await page.getByRole("button", { name: "Найти" }).click();
  // Exactly the query: the button's empty name adds nothing (it once added `&=`).
  await expect(page).toHaveURL(/\/search\?q=%D0%BF%D0%BE%D0%B6%D0%B0%D1%80%D0%BD$/);
  const results = page.locator(".search-results > li");
  await expect(results.first()).toBeVisible();
  await expect.poll(() => results.count()).toBeGreaterThanOrEqual(5);
  await expect(page.locator(".search-results mark").first()).toContainText(/пожар/i);
});

test("the risk lookup explains a wrong ИНН and finds the demo business", async ({ page }) => {
  await page.goto("/risk");
  // The form is the app's once hydrated; typing before that races the hydration.
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await page.getByLabel("ИНН или часть наименования").fill("2721001238");
  await page.getByRole("button", { name: "Найти" }).click();
  await expect(page).toHaveURL(/\/risk\?q=2721001238$/);
  // Said under the form as what to fix, not as a failure of the page.
  await expect(page.locator(".field-error")).toContainText("контрольной суммы");
  await expect(page.getByText("Что-то пошло не так")).toHaveCount(0);
  await page.getByLabel("ИНН или часть наименования").fill("2721001237");
  await page.getByRole("button", { name: "Найти" }).click();
  await expect(page.getByRole("heading", { name: "ООО «Демо Амур»" })).toBeVisible();
  await expect(page.locator(".risk").first()).toContainText("риск");
});

test("after one online visit the catalogue works offline, and an admin's edit arrives by delta", async ({
  page,
  context,
  playwright,
}) => {
  const errors = collectErrors(page);
  await page.goto("/bodies");
  await waitForServiceWorker(page);
  const note = page.locator(".offline-copy");
  await expect(note).toContainText("Каталог сохранён на устройстве");
  const version = Number(await note.getAttribute("data-version"));
  expect(version).toBeGreaterThan(0);

  // Offline: a body, one of its kinds with FAQ and typical violations, and search, all from
  // the device's copy.
  await context.setOffline(true);
  await page.locator(".cards > li").first().getByRole("link").click();
  await expect(networkStatus(page)).toHaveText("Нет сети");
  await expect(page.getByRole("heading", { name: "Часы приёма" })).toBeVisible();
  await page.locator("main ul a[href^='/kinds/']").first().click();
  await expect(page.getByRole("heading", { level: 2, name: "Частые вопросы" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "Типовые нарушения" })).toBeVisible();
  await page.getByRole("link", { name: "Все вопросы с ответами" }).click();
  await expect(page).toHaveURL(/\/faq$/);
  const kindUrl = page.url();
  const faq = page.locator("details.faq").first();
  const faqId = (await faq.getAttribute("id"))!.replace("faq-", "");
  await faq.locator("summary").click();
  await expect(faq.locator("p").first()).toBeVisible();
  await page.goBack();
  await page.getByRole("link", { name: /Все типовые нарушения/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Типовые нарушения" })).toBeVisible();
  expect(await page.locator("article.violation").count()).toBeGreaterThanOrEqual(5);

  await page.getByRole("navigation", { name: "Основная навигация" }).getByRole("link", { name: "Поиск" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Поиск" })).toBeVisible();
  await page.getByLabel("Что найти").fill("пожарн");
  await page.getByRole("button", { name: "Найти" }).click();
  await expect(page.locator(".search-results > li").first()).toBeVisible();
  await expect(page.locator(".search-results mark").first()).toContainText(/пожар/i);

  // A catalogue page never opened before, loaded by its address: shown from the device too.
  await page.goto("/kinds/chs-nadzor");
  await expect(page).toHaveURL(/\/kinds\/chs-nadzor$/);
  await expect(page.getByRole("heading", { level: 2, name: "Обязательные требования" }).or(
    page.getByRole("heading", { level: 2, name: "Нормативные акты и обязательные требования" }),
  )).toBeVisible();

  // Back online (the header says so), the admin edits that FAQ elsewhere; the device takes
  // it as a delta.
  await context.setOffline(false);
  await expect(networkStatus(page)).toHaveText("В сети");
  const admin = await playwright.request.newContext({ baseURL: page.url().replace(/\/kinds.*$/, "") });
  const login = await admin.post("/api/session/login", {
    data: { email: "admin@demo.knd.local", password: "demo-password-2026" },
  });
  expect(login.status()).toBe(200);
  const answer = `Проверочный лист размещён на сайте органа (правка ${Date.now()}).`;
  const saved = await admin.post("/api/catalogue/faq/save", {
    data: { faq_id: faqId, question: "Где найти проверочный лист?", answer },
  });
  expect(saved.status()).toBe(200);
  await admin.dispose();

  await page.getByRole("navigation", { name: "Основная навигация" }).getByRole("link", { name: "Каталог" }).click();
  await page.locator(".offline-copy").getByRole("button", { name: "Обновить" }).click();
  await expect
    .poll(async () => Number(await page.locator(".offline-copy").getAttribute("data-version")))
    .toBeGreaterThan(version);
  await expect(page.locator(".offline-copy")).toContainText("Каталог сохранён на устройстве");

  // Offline again: the edited FAQ is on the device.
  await context.setOffline(true);
  await page.goto(kindUrl);
  const edited = page.locator(`#faq-${faqId}`);
  await edited.locator("summary").click();
  await expect(edited).toContainText(answer);
  await context.setOffline(false);
  await expect(networkStatus(page)).toHaveText("В сети");
  await expectNoErrors(errors.filter((e) => !/Failed to fetch|ERR_INTERNET_DISCONNECTED|status of 4\d\d/.test(e)));
});

test("a body's manager edits a FAQ answer in place; an empty answer is explained", async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto("/login");
  await waitForServiceWorker(page);
  await page.getByLabel("Электронная почта").fill("manager@demo.knd.local");
  await page.getByLabel("Пароль").fill("demo-password-2026");
  await page.getByRole("button", { name: "Войти", exact: true }).click();
  await expect(page).toHaveURL(/\/cabinet$/);

  // chs-nadzor belongs to the demo manager's body.
  await page.goto("/kinds/chs-nadzor/faq");
  // The edit buttons are the hydrated page's (they depend on who is signed in, and the page's
  // code arrives after the main module): opened before that, the answer would close again.
  const faq = page.locator("details.faq").first();
  await expect(faq.locator("button", { hasText: "Изменить" })).toBeAttached({ timeout: 30_000 });
  await faq.locator("summary").click();
  await faq.getByRole("button", { name: "Изменить" }).click();
  const answer = faq.getByLabel("Ответ");
  await answer.fill("");
  await faq.getByRole("button", { name: "Сохранить" }).click();
  await expect(faq.getByRole("alert").filter({ hasText: "Укажите ответ." })).toBeVisible();

  const text = `Актуальный проверочный лист опубликован на сайте органа (${Date.now()}).`;
  await answer.fill(text);
  await faq.getByRole("button", { name: "Сохранить" }).click();
  await expect(faq.locator("p").first()).toHaveText(text);
  // Stored: the open API has it.
  const faqs = await (await page.request.get("/api/v1/faq?kind=chs-nadzor&per_page=200")).json();
  expect(faqs.items.map((f: { answer: string }) => f.answer)).toContain(text);

  // A new question, then removed again (deleting asks for a second click).
  const question = `Нужно ли согласовывать план эвакуации? (${Date.now()})`;
  await page.getByRole("button", { name: "Добавить вопрос" }).click();
  await page.getByLabel("Вопрос").last().fill(question);
  await page.getByLabel("Ответ").last().fill("Нет, план утверждает руководитель организации.");
  await page.getByRole("button", { name: "Добавить вопрос" }).click();
  const added = page.locator("details.faq").filter({ hasText: question });
  await expect(added).toHaveCount(1);
  await added.locator("summary").click();
  await added.getByRole("button", { name: "Удалить" }).click();
  await added.getByRole("button", { name: "Подтвердить удаление" }).click();
  await expect(added).toBeHidden();
  const after = await (await page.request.get("/api/v1/faq?kind=chs-nadzor&per_page=200")).json();
  expect(after.items.map((f: { question: string }) => f.question)).not.toContain(question);

  // The body's details: a wrong address of the site is explained at its field.
  await page.goto("/bodies/gku");
  await page.getByRole("button", { name: "Изменить сведения об органе" }).click();
  await page.getByLabel("Сайт").fill("ftp://gku.example");
  await page.getByRole("button", { name: "Сохранить" }).click();
  await expect(page.getByLabel("Сайт")).toHaveAccessibleDescription(/https:\/\//);
  await page.getByLabel("Сайт").fill("https://gku.demo.example");
  const address = `г. Хабаровск, ул. Карла Маркса, д. ${Date.now() % 1000}`;
  await page.getByLabel("Адрес").fill(address);
  await page.getByRole("button", { name: "Сохранить" }).click();
  await expect(page.locator("dl.facts")).toContainText(address);

  // Another body offers no editing.
  await page.goto("/bodies/vetkom");
  await expect(page.getByRole("heading", { name: "Часы приёма" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Изменить сведения об органе" })).toHaveCount(0);
  await page.goto("/kinds/veterinarnyj-nadzor/faq");
  await page.locator("details.faq").first().locator("summary").click();
  await expect(page.getByRole("button", { name: "Изменить" })).toHaveCount(0);
  await expectNoErrors(errors.filter((e) => !/status of 4\d\d/.test(e)));
});

test("a body's manager adds a requirement and a news item, edits one and deletes the other", async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto("/login");
  await waitForServiceWorker(page);
  await page.getByLabel("Электронная почта").fill("manager@demo.knd.local");
  await page.getByLabel("Пароль").fill("demo-password-2026");
  await page.getByRole("button", { name: "Войти", exact: true }).click();
  await expect(page).toHaveURL(/\/cabinet$/);

  // A requirement of one of the acts of chs-nadzor (the demo manager's body runs it).
  await page.goto("/kinds/chs-nadzor/requirements");
  await page.getByRole("button", { name: "Добавить требование" }).click();
  const form = page.locator("form").filter({ has: page.getByLabel("Текст требования") });
  await form.getByLabel("Нормативный акт").selectOption({ index: 1 });
  const text = `Проводить инструктаж по пожарной безопасности при приёме на работу (${Date.now()}).`;
  await form.getByLabel("Текст требования").fill(text);
  // The article of the act is missing: explained at its field, nothing is sent.
  await form.getByRole("button", { name: "Добавить требование" }).click();
  await expect(form.getByLabel("Структурная единица акта")).toHaveAccessibleDescription("Заполните поле.");
  await expect(form.getByLabel("Структурная единица акта")).toHaveAttribute("aria-invalid", "true");
  await form.getByLabel("Структурная единица акта").fill("п. 3");
  await form.getByRole("button", { name: "Добавить требование" }).click();
  const added = page.locator("#acts li[id^=req-]").filter({ hasText: text });
  await expect(added).toHaveCount(1);
  const requirementId = await added.getAttribute("id");
  const kind = await (await page.request.get("/api/v1/control-kinds/chs-nadzor")).json();
  expect(JSON.stringify(kind)).toContain(text);

  // Edited in place: the form comes prefilled.
  const requirement = page.locator(`#${requirementId}`);
  await requirement.getByRole("button", { name: "Изменить" }).click();
  await expect(requirement.getByLabel("Текст требования")).toHaveValue(text);
  const edited = text.replace("при приёме на работу", "ежеквартально");
  await requirement.getByLabel("Текст требования").fill(edited);
  await requirement.getByRole("button", { name: "Сохранить" }).click();
  await expect(requirement.locator("p").first()).toHaveText(edited);
  const after = await (await page.request.get("/api/v1/control-kinds/chs-nadzor")).json();
  expect(JSON.stringify(after)).toContain(edited);
  await page.reload();
  await expect(page.locator(`#${requirementId}`)).toContainText(edited);

  // A news item of the manager's body (the only one they may choose), then deleted again.
  await page.goto("/news");
  await page.getByRole("button", { name: "Добавить новость" }).click();
  await expect(page.getByLabel("Контрольный орган")).not.toHaveValue("");
  const title = `Изменился график приёма граждан (${Date.now()})`;
  await page.getByLabel("Дата публикации").fill("2026-11-20");
  await page.getByLabel("Заголовок").fill(title);
  await page.getByLabel("Текст новости").fill("С 1 декабря приём ведётся по вторникам и четвергам.");
  await page.getByRole("button", { name: "Добавить новость" }).click();
  const news = page.locator("li[id^=news-]").filter({ hasText: title });
  await expect(news).toHaveCount(1);
  await expect(news).toContainText("20.11.2026");
  const listed = await (await page.request.get("/api/v1/news?body=gku&per_page=200")).json();
  expect(JSON.stringify(listed)).toContain(title);
  await news.getByRole("button", { name: "Удалить" }).click();
  await news.getByRole("button", { name: "Подтвердить удаление" }).click();
  await expect(news).toBeHidden();
  const gone = await (await page.request.get("/api/v1/news?body=gku&per_page=200")).json();
  expect(JSON.stringify(gone)).not.toContain(title);

  // Only the manager's own body's news offer editing.
  await page.goto("/news");
  await expect(page.getByRole("button", { name: "Добавить новость" })).toBeVisible();
  const own = page.locator("li[id^=news-]").filter({ has: page.locator('a[href="/bodies/gku"]') });
  const others = page.locator("li[id^=news-]").filter({ hasNot: page.locator('a[href="/bodies/gku"]') });
  if ((await own.count()) > 0) await expect(own.first().getByRole("button", { name: "Изменить" })).toBeVisible();
  expect(await others.count()).toBeGreaterThan(0);
  await expect(others.getByRole("button", { name: "Изменить" })).toHaveCount(0);
  await expectNoErrors(errors.filter((e) => !/status of 4\d\d/.test(e)));
});
