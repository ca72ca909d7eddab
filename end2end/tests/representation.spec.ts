// Representation must be proven: a new user claims a registered organisation with a scanned
// power of attorney (a PDF), cannot act for it while the request waits, the admin opens the
// evidence and approves in the browser, and the user then rates one of its events.
import { expect, test } from "@playwright/test";
import { collectErrors, expectNoErrors, signIn, waitForHydration, waitForServiceWorker } from "./support/app";

/** The demo business: «ООО «Демо Амур»», with the numbers the register has. */
const DEMO_INN = "2721001237";
const DEMO_OGRN = "1022700000014";

/** A small but real PDF: what a scanner would produce, in miniature. */
const PDF = Buffer.from(
  "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n" +
    "trailer<</Root 1 0 R>>\n%%EOF\n",
);

test("a new user claims an organisation with a PDF, the admin approves it in the browser, the user rates an event", async ({
  page,
  browser,
}) => {
  const errors = collectErrors(page);
  const email = `claim-${Date.now()}@example.ru`;
  await page.goto("/signup");
  await waitForServiceWorker(page);
  await page.getByLabel("Как к вам обращаться").fill("Пётр Заявителев");
  await page.getByLabel("Электронная почта").fill(email);
  await page.getByLabel("Пароль").fill("надёжный-пароль-2026");
  await page.getByRole("button", { name: "Зарегистрироваться" }).click();
  await expect(page).toHaveURL(/\/cabinet$/);

  // A file that only pretends to be a PDF is refused by its content, next to the field.
  await page.getByLabel("Наименование").fill("ООО «Демо Амур»");
  await page.getByLabel("ИНН", { exact: true }).fill(DEMO_INN);
  await page.getByLabel("ОГРН или ОГРНИП").fill(DEMO_OGRN);
  await page.getByLabel("Комментарий для проверяющего").fill("Заместитель директора, доверенность приложена.");
  const evidence = page.getByLabel("Документы, подтверждающие полномочия");
  await evidence.setInputFiles({ name: "доверенность.pdf", mimeType: "application/pdf", buffer: Buffer.from("MZ not a pdf") });
  await page.getByRole("button", { name: "Отправить запрос", exact: true }).click();
  await expect(evidence).toHaveAccessibleDescription(/не PDF, JPEG или PNG/);

  await evidence.setInputFiles({ name: "доверенность.pdf", mimeType: "application/pdf", buffer: PDF });
  await page.getByRole("button", { name: "Отправить запрос", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Запрос отправлен и ждёт решения" })).toContainText(
    "ООО «Демо Амур»",
  );
  const requests = page.getByRole("region", { name: "Мои запросы на представительство" });
  await expect(requests.getByRole("listitem")).toContainText("Ожидает решения");
  await expect(requests.getByRole("link", { name: "доверенность.pdf" })).toBeVisible();

  // While pending, the organisation's events are not the user's to rate.
  const pendingEvents = await page.request.post("/api/rating/my_events", { data: {} });
  expect(await pendingEvents.json()).toEqual([]);

  // The admin sees the request with the requester and the evidence, opens the PDF, approves.
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, "admin@demo.knd.local");
  await admin.getByRole("link", { name: "Проверка представителей" }).click();
  await expect(admin).toHaveURL(/\/cabinet\/representations$/);
  const item = admin.getByRole("listitem").filter({ hasText: email });
  await expect(item).toContainText("ООО «Демо Амур»");
  await expect(item).toContainText("Заместитель директора");
  const link = item.getByRole("link", { name: "доверенность.pdf" });
  const download = await admin.request.get((await link.getAttribute("href"))!);
  expect(download.status()).toBe(200);
  expect(download.headers()["content-type"]).toBe("application/pdf");
  expect(download.headers()["content-disposition"]).toMatch(/^attachment;/);
  expect(download.headers()["x-content-type-options"]).toBe("nosniff");
  expect(Buffer.compare(await download.body(), PDF)).toBe(0);
  await item.getByRole("button", { name: "Подтвердить" }).click();
  await expect(admin.getByRole("status").filter({ hasText: "Представительство подтверждено." })).toBeVisible();
  await expect(admin.getByRole("listitem").filter({ hasText: email })).toHaveCount(0);
  await adminContext.close();

  // Approved: the organisation is the user's, and the user rates one of its events.
  await page.reload();
  const list = page.getByRole("region", { name: "Мои организации" }).getByRole("listitem");
  await expect(list.first()).toContainText("ООО «Демо Амур»");
  await expect(list.first()).not.toContainText("Ожидает подтверждения");
  await expect(requests.getByRole("listitem").first()).toContainText("Подтверждён");
  await page.goto("/rate");
  const picks = page.locator(".event-pick");
  await expect(picks.first()).toBeVisible();
  const number = (await picks.first().textContent())!.match(/№ (\d{20})/)![1];
  await picks.first().getByRole("button").click();
  await expect(page.getByLabel("Номер мероприятия в ЕРКНМ или ссылка на него")).toHaveValue(new RegExp(number));
  const criteria = page.locator(".criterion");
  await expect(criteria).toHaveCount(5);
  for (let i = 0; i < 5; i++) {
    await criteria.nth(i).locator("label.scale-option", { hasText: /^9$/ }).click();
  }
  await page.getByRole("button", { name: "Отправить оценку" }).click();
  await expect(page).toHaveURL(/\/drafts$/);
  await expect(page.locator("li.draft[data-status='sent']")).toHaveCount(1, { timeout: 15_000 });
  const event = await page.request.post("/api/rating/event", { data: { number } });
  expect((await event.json()).rated).toBe(true);
  await expectNoErrors(errors.filter((e) => !/status of 4\d\d/.test(e)));
});

test("a claim made offline keeps its file on the device and sends both when the connection is back", async ({
  page,
  context,
}) => {
  const errors = collectErrors(page);
  const email = `offline-claim-${Date.now()}@example.ru`;
  await page.goto("/signup");
  await waitForServiceWorker(page);
  await page.getByLabel("Как к вам обращаться").fill("Ольга Безсвязи");
  await page.getByLabel("Электронная почта").fill(email);
  await page.getByLabel("Пароль").fill("надёжный-пароль-2026");
  await page.getByRole("button", { name: "Зарегистрироваться" }).click();
  await expect(page).toHaveURL(/\/cabinet$/);
  await waitForHydration(page);

  await context.setOffline(true);
  try {
    await page.getByLabel("Наименование").fill("ООО «Демо Амур»");
    await page.getByLabel("ИНН", { exact: true }).fill(DEMO_INN);
    await page.getByLabel("ОГРН или ОГРНИП").fill(DEMO_OGRN);
    await page.getByLabel("Комментарий для проверяющего").fill("Главный бухгалтер, доверенность приложена.");
    await page.getByLabel("Документы, подтверждающие полномочия").setInputFiles({
      name: "доверенность.pdf",
      mimeType: "application/pdf",
      buffer: PDF,
    });
    await page.getByRole("button", { name: "Отправить запрос", exact: true }).click();
    await expect(page.getByRole("status").filter({ hasText: "сохранены на этом устройстве" })).toBeVisible();
    const kept = page.getByRole("region", { name: "Ждут связи с сервером" });
    await expect(kept.getByRole("listitem")).toContainText("ООО «Демо Амур»");
    await expect(kept.getByRole("listitem")).toContainText("доверенность.pdf");
    // The file itself is in IndexedDB, byte for byte, not only its name.
    const stored = await page.evaluate(
      () =>
        new Promise<[string, number][][]>((resolve, reject) => {
          const open = indexedDB.open("knd");
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const all = open.result.transaction("files").objectStore("files").getAll();
            all.onsuccess = () =>
              resolve(all.result.map((r: { files: File[] }) => r.files.map((f) => [f.name, f.size] as [string, number])));
          };
        }),
    );
    expect(stored).toEqual([[["доверенность.pdf", PDF.length]]]);
  } finally {
    await context.setOffline(false);
  }

  // Back online: the file goes up, then the claim naming it; the device forgets both.
  const requests = page.getByRole("region", { name: "Мои запросы на представительство" });
  await expect(requests.getByRole("listitem")).toContainText("Ожидает решения", { timeout: 30_000 });
  await expect(page.getByRole("region", { name: "Ждут связи с сервером" })).toHaveCount(0);
  const link = requests.getByRole("link", { name: "доверенность.pdf" });
  const download = await page.request.get((await link.getAttribute("href"))!);
  expect(download.status()).toBe(200);
  expect(Buffer.compare(await download.body(), PDF)).toBe(0);
  const mine = await page.request.post("/api/representation/mine", { data: {} });
  expect((await mine.json()).length).toBe(1);
  await expectNoErrors(errors.filter((e) => !/Failed to fetch|ERR_INTERNET_DISCONNECTED/.test(e)));
});
