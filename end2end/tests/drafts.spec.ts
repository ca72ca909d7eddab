// Drafts on a device that never loses them: one draft open in two tabs merges per field and
// both tabs show the merged draft; a submission the server cannot apply now waits with its
// retries while the rest of the queue goes, then shows as stuck with «Повторить» and
// «Удалить черновик»; an item damaged on the device is marked, never sent in a loop.
import { expect, test, type Page } from "@playwright/test";
import { collectErrors, expectNoErrors, signIn, waitForHydration } from "./support/app";
import { sql } from "./support/db";

/// A kind of the demo region with a short checklist.
const KIND = "chs-nadzor";

/** The stored draft (IndexedDB `knd` / `items`) as this browser keeps it. */
async function storedItem(page: Page, id: string): Promise<{ payload: { replies: { requirement_id: string; answer: string }[] } } | null> {
  return page.evaluate(async (key) => {
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      const open = indexedDB.open("knd");
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const value: unknown = await new Promise((resolve, reject) => {
      const get = db.transaction("items").objectStore("items").get(key);
      get.onsuccess = () => resolve(get.result);
      get.onerror = () => reject(get.error);
    });
    db.close();
    return typeof value === "string" ? JSON.parse(value) : null;
  }, id);
}

/** Writes an item into the device's outbox as damaged storage might leave it. */
async function putItem(page: Page, item: Record<string, unknown>): Promise<void> {
  await page.evaluate(async (value) => {
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      const open = indexedDB.open("knd");
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction("items", "readwrite");
      tx.objectStore("items").put(JSON.stringify(value), value.id as string);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  }, item);
}

async function submittedCount(page: Page): Promise<number> {
  const response = await page.request.post("/api/self_check/mine", { data: {} });
  expect(response.status()).toBe(200);
  return (await response.json()).length;
}

/** Starts a self-assessment of KIND and returns its draft id. */
async function startSelfCheck(page: Page): Promise<string> {
  await page.goto("/self-check");
  await waitForHydration(page);
  await page.locator(`#sc-kind-${KIND}`).check();
  await page.getByRole("button", { name: "Начать", exact: true }).click();
  await expect(page).toHaveURL(/\/self-check\/[0-9a-f-]{36}$/);
  await expect(page.locator("li.question").first()).toBeVisible();
  return page.url().split("/").pop()!;
}

/** The answer a question shows, as its checked radio's label. */
function answerOf(page: Page, requirement: string) {
  return page.locator(`[id='q-${requirement}'] input[type=radio]:checked`);
}

test("two tabs of one draft merge their answers per field and both show the merged draft", async ({ page, context }) => {
  const errors = collectErrors(page);
  await signIn(page, "business@demo.knd.local");
  const id = await startSelfCheck(page);
  const tabA = page;
  const tabB = await context.newPage();
  const errorsB = collectErrors(tabB);
  await tabB.goto(`/self-check/${id}`);
  await waitForHydration(tabB);
  await expect(tabB.locator("li.question").first()).toBeVisible();

  const questions = tabA.locator("li.question");
  const total = await questions.count();
  expect(total).toBeGreaterThanOrEqual(4);
  const q = await Promise.all(
    [0, 1, 2, 3].map(async (i) => (await questions.nth(i).getAttribute("id"))!.replace(/^q-/, "")),
  );
  const question = (tab: Page, n: number) => tab.locator(`[id='q-${q[n]}']`);

  // Tab A answers Q1 and Q3; tab B answers Q2, then Q1 (later than A).
  await question(tabA, 0).getByLabel("Да", { exact: true }).check();
  await question(tabA, 2).getByLabel("Нет", { exact: true }).check();
  await expect(tabA.locator("[data-saved='true']")).toBeVisible();
  await question(tabB, 1).getByLabel("Не применимо", { exact: true }).check();
  await question(tabB, 0).getByLabel("Нет", { exact: true }).check();
  await expect(tabB.locator("[data-saved='true']")).toBeVisible();

  // Both tabs show A's Q3, B's Q2 and B's Q1, and say so in their counts.
  for (const tab of [tabA, tabB]) {
    await expect(tab.getByTestId("answered")).toHaveText(`3 / ${total}`);
    await expect(answerOf(tab, q[0])).toHaveValue("no");
    await expect(answerOf(tab, q[1])).toHaveValue("na");
    await expect(answerOf(tab, q[2])).toHaveValue("no");
  }
  // The stored draft holds the same.
  const answers = async () => {
    const item = await storedItem(tabA, id);
    return Object.fromEntries((item?.payload.replies ?? []).map((r) => [r.requirement_id, r.answer]));
  };
  await expect.poll(answers).toEqual({ [q[0]]: "no", [q[1]]: "na", [q[2]]: "no" });

  // A's next answer keeps B's Q2 (and B's Q1); B sees it at once.
  await question(tabA, 3).getByLabel("Да", { exact: true }).check();
  await expect.poll(answers).toEqual({ [q[0]]: "no", [q[1]]: "na", [q[2]]: "no", [q[3]]: "yes" });
  await expect(tabB.getByTestId("answered")).toHaveText(`4 / ${total}`);
  await expect(answerOf(tabB, q[3])).toHaveValue("yes");
  await expect(answerOf(tabA, q[1])).toHaveValue("na");
  // Nothing either tab typed was thrown away, so neither says otherwise.
  await expect(tabA.locator("[data-saved='true']")).toBeVisible();
  await expect(tabA.getByTestId("draft-replaced")).toHaveCount(0);
  await expect(tabB.getByTestId("draft-replaced")).toHaveCount(0);
  await tabB.close();
  await expectNoErrors([...errors, ...errorsB]);
});

test("a submission the server cannot apply waits while the rest is sent, shows as stuck, and goes once repaired", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signIn(page, "business@demo.knd.local");
  const before = await submittedCount(page);
  // A fault no validation foresees: storing a self-assessment not sent to the body fails.
  sql(`CREATE OR REPLACE FUNCTION e2e_fault() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN IF NOT NEW.to_body THEN RAISE EXCEPTION 'injected fault'; END IF; RETURN NEW; END $$;
       DROP TRIGGER IF EXISTS e2e_fault ON self_assessment;
       CREATE TRIGGER e2e_fault BEFORE INSERT ON self_assessment
           FOR EACH ROW EXECUTE FUNCTION e2e_fault();`);
  try {
    const fill = async (toBody: boolean) => {
      const id = await startSelfCheck(page);
      const questions = page.locator("li.question");
      const total = await questions.count();
      for (let i = 0; i < total; i++) {
        await questions.nth(i).getByLabel("Да", { exact: true }).check();
      }
      await expect(page.getByTestId("answered")).toHaveText(`${total} / ${total}`);
      if (toBody) await page.getByLabel(/Направить результат в контрольный орган/).check();
      await page.getByRole("button", { name: "Отправить самопроверку" }).click();
      return id;
    };
    // The faulty one first (the oldest in the queue), then a good one.
    const faulty = await fill(false);
    await expect(page.getByTestId("sc-state")).toContainText("в очереди");
    const good = await fill(true);
    await expect(page.getByTestId("sc-state")).toContainText("Самопроверка получена");

    await page.goto("/drafts");
    const card = (id: string) => page.locator(`li.draft[data-id='${id}']`);
    const stuckCard = page.locator("li.draft[data-status='stuck']");
    await expect(page.locator("li.draft[data-status='sent']").first()).toBeVisible();
    // The good one went through; the faulty one waits (no edit link while queued).
    await expect(page.locator("li.draft[data-status='queued'] [data-attempts]")).toHaveText(/: 1$/);
    for (const attempt of [2, 3]) {
      await page.getByRole("button", { name: "Отправить сейчас" }).click();
      await expect(page.locator("li.draft [data-attempts]")).toHaveText(new RegExp(`: ${attempt}$`));
    }
    await expect(stuckCard).toHaveCount(1);
    await expect(stuckCard.getByRole("alert")).toContainText("Не удаётся отправить");
    // Deleting asks first; the user changes their mind.
    await stuckCard.getByRole("button", { name: "Удалить черновик" }).click();
    await expect(stuckCard).toContainText("Удалить черновик безвозвратно?");
    await stuckCard.getByRole("button", { name: "Отмена" }).click();
    await expect(stuckCard).toHaveCount(1);

    // Repaired: «Повторить» sends it, once.
    sql("DROP TRIGGER e2e_fault ON self_assessment;");
    await stuckCard.getByRole("button", { name: "Повторить" }).click();
    await expect(page.locator("li.draft[data-status='sent']")).toHaveCount(2);
    await expect(page.locator("li.draft[data-status='stuck']")).toHaveCount(0);
    await expect(card(faulty)).toHaveAttribute("data-status", "sent");
    await expect(card(good)).toHaveAttribute("data-status", "sent");
    expect(await submittedCount(page)).toBe(before + 2);
  } finally {
    sql("DROP TRIGGER IF EXISTS e2e_fault ON self_assessment; DROP FUNCTION IF EXISTS e2e_fault();");
  }
});

test("an item damaged on the device is marked and shown, never sent in a loop", async ({ page }) => {
  await signIn(page, "business@demo.knd.local");
  await page.goto("/drafts");
  await waitForHydration(page);
  let pushes = 0;
  page.on("request", (request) => {
    if (request.url().endsWith("/api/sync/push")) pushes += 1;
  });
  await putItem(page, {
    id: "0190aaaa-0000-7000-8000-000000000001",
    kind: "rating.submit",
    title: "Оценка мероприятия № 00000000000000000001",
    payload: { side: "business", event: { by: "register", number: "00000000000000000001" }, scores: [], comment: "" },
    status: "queued",
    op_id: "не-идентификатор",
    updated_ms: Date.now(),
  });
  await page.reload();
  const damaged = page.locator("li.draft[data-status='rejected']").filter({ hasText: "00000000000000000001" });
  await expect(damaged).toContainText("Запись повреждена на устройстве");
  // Nothing is left to send, and it was never sent.
  await expect(page.getByRole("button", { name: "Отправить сейчас" })).toBeDisabled();
  expect(pushes).toBe(0);
  // The user deletes it, confirming.
  await damaged.getByRole("button", { name: "Удалить черновик" }).click();
  await damaged.getByRole("button", { name: "Да, удалить" }).click();
  await expect(damaged).toHaveCount(0);
});
