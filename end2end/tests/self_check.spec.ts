// The self-assessment «Электронный инспектор» on a phone with no network: started offline from
// the checklists the device keeps, half answered, reloaded and resumed, finished, two
// requirements evaluated, submitted offline and sent exactly once when the network comes back;
// the report and the published evaluations say what was answered.
import { expect, test, type Page } from "@playwright/test";
import { collectErrors, expectNoErrors, signIn } from "./support/app";

/// The demo region's kind with the longest checklist (32 requirements).
const KIND = "zhilishchnyj-nadzor";


async function submittedCount(page: Page): Promise<number> {
  const response = await page.request.post("/api/self_check/mine", { data: {} });
  expect(response.status()).toBe(200);
  return (await response.json()).length;
}

test("a business self-assesses offline over a reload, evaluates two requirements, and the result arrives once", async ({
  page,
  context,
}) => {
  test.setTimeout(120_000);
  const errors = collectErrors(page);
  await signIn(page, "business@demo.knd.local");
  const before = await submittedCount(page);
  // One online visit: the checklists and the user's organisations stay on the device.
  await page.goto("/self-check");
  await expect(page.locator(`#sc-kind-${KIND}`)).toBeVisible();

  // What was published before, to compare with after (the demo data has evaluations too).
  type Figures = { requirement_id: string; count: number; clarity: number; feasibility: number; median_cost: number | null; contradictory_share: number };
  const publishedNow = async (): Promise<Figures[]> => {
    const response = await page.request.get("/api/v1/requirements/evaluations");
    expect(response.status()).toBe(200);
    return response.json();
  };
  const none: Figures = { requirement_id: "", count: 0, clarity: 0, feasibility: 0, median_cost: null, contradictory_share: 0 };
  const earlier = await publishedNow();
  await context.setOffline(true);
  await page.goto("/self-check");
  await page.locator(`#sc-kind-${KIND}`).check();
  await page.getByRole("button", { name: "Начать", exact: true }).click();
  await expect(page).toHaveURL(/\/self-check\/[0-9a-f-]{36}$/);
  const questions = page.locator("li.question");
  const total = await questions.count();
  expect(total).toBeGreaterThanOrEqual(30);

  // Half of it: «Нет» for two requirements, «Да» for the rest.
  const half = Math.floor(total / 2);
  const no = new Set([3, 7]);
  for (let i = 0; i < half; i++) {
    await questions.nth(i).getByLabel(no.has(i) ? "Нет" : "Да", { exact: true }).check();
  }
  await expect(page.getByTestId("answered")).toHaveText(`${half} / ${total}`);
  await expect(page.locator("[data-saved='true']")).toBeVisible();

  // A reload with no network: the draft is on the device and opens where the user left off.
  await page.reload();
  await expect(page.getByTestId("answered")).toHaveText(`${half} / ${total}`);
  await expect(questions.nth(3).getByLabel("Нет", { exact: true })).toBeChecked();
  await expect(questions.nth(0).getByLabel("Да", { exact: true })).toBeChecked();
  await expect(page.getByRole("link", { name: "Продолжить с первого вопроса без ответа" })).toBeVisible();

  // The rest: one does not apply.
  const notApplicable = half + 2;
  for (let i = half; i < total; i++) {
    await questions.nth(i).getByLabel(i === notApplicable ? "Не применимо" : "Да", { exact: true }).check();
  }
  await expect(page.getByTestId("answered")).toHaveText(`${total} / ${total}`);
  const applicable = total - 1;
  const met = applicable - 2;
  const share = Math.round((met * 100) / applicable);
  await expect(page.getByTestId("sc-result")).toContainText(`${share} % (${met} / ${applicable})`);
  await expect(page.locator("li.gap")).toHaveCount(2);

  // Two requirements evaluated: one unclear, costly and contradicting another; one fine.
  const first = questions.nth(3);
  await first.locator("summary", { hasText: "Оценить это требование" }).click();
  await first.getByRole("button", { name: "Оценить требование", exact: true }).click();
  await first.locator(".scale").nth(0).getByLabel("2", { exact: true }).check();
  await first.locator(".scale").nth(1).getByLabel("3", { exact: true }).check();
  await first.getByLabel("Часов работы в год").fill("10");
  await first.getByLabel("Стоимость часа, ₽").fill("500");
  await first.getByLabel("Прямые затраты в год, ₽").fill("1000");
  await expect(first.locator(".cost-total")).toHaveText(/Итого в год: 6\s000\s₽/);
  await first.getByLabel("Противоречит другому требованию").selectOption({ index: 1 });
  const second = questions.nth(7);
  await second.locator("summary", { hasText: "Оценить это требование" }).click();
  await second.getByRole("button", { name: "Оценить требование", exact: true }).click();
  await second.locator(".scale").nth(0).getByLabel("4", { exact: true }).check();
  await second.locator(".scale").nth(1).getByLabel("5", { exact: true }).check();
  const firstId = (await first.getAttribute("id"))!.slice(2);
  const secondId = (await second.getAttribute("id"))!.slice(2);

  const aBefore = earlier.find((e) => e.requirement_id === firstId) ?? none;
  const bBefore = earlier.find((e) => e.requirement_id === secondId) ?? none;
  const mean = (before: number, n: number, value: number) => (before * n + value) / (n + 1);

  // Sent to the body, submitted offline: queued.
  await page.getByLabel(/Направить результат в контрольный орган/).check();
  await page.getByRole("button", { name: "Отправить самопроверку" }).click();
  await expect(page.getByTestId("sc-state")).toContainText("в очереди");

  // Online again: it arrives, once.
  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  await expect(page.getByTestId("sc-state")).toContainText("Самопроверка получена", { timeout: 15_000 });
  expect(await submittedCount(page)).toBe(before + 1);

  // The report says what was answered.
  await page.getByRole("link", { name: "Открыть отчёт" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Отчёт о самопроверке" })).toBeVisible();
  await expect(page.getByTestId("sc-result")).toContainText(`${share} % (${met} / ${applicable})`);
  await expect(page.locator("li.gap")).toHaveCount(2);

  // The published evaluations count each requirement's new evaluation once, with its figures.
  const later = await publishedNow();
  const a = later.find((e) => e.requirement_id === firstId)!;
  const b = later.find((e) => e.requirement_id === secondId)!;
  expect(a.count).toBe(aBefore.count + 1);
  expect(a.clarity).toBeCloseTo(mean(aBefore.clarity, aBefore.count, 2), 1);
  expect(a.feasibility).toBeCloseTo(mean(aBefore.feasibility, aBefore.count, 3), 1);
  expect(a.contradictory_share).toBeCloseTo(mean(aBefore.contradictory_share, aBefore.count, 1), 1);
  if (aBefore.count === 0) expect(a.median_cost).toBe(6000);
  expect(b.count).toBe(bBefore.count + 1);
  expect(b.clarity).toBeCloseTo(mean(bBefore.clarity, bBefore.count, 4), 1);
  expect(b.feasibility).toBeCloseTo(mean(bBefore.feasibility, bBefore.count, 5), 1);

  // The kind page shows them to everybody.
  await page.goto(`/kinds/${KIND}#checklist`);
  await expect(page.locator(`#cq-${firstId} .figures`)).toContainText(`оценок: ${a.count}`);

  // Offline, the browser reports the requests it could not make; nothing else may fail.
  await expectNoErrors(errors.filter((e) => !/Failed to fetch|ERR_INTERNET_DISCONNECTED/.test(e)));
});
