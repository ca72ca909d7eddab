// The self-assessment «Электронный инспектор» on a phone with no network: started offline from
// the checklists the device keeps, half answered, reloaded and resumed, finished, two
// requirements evaluated, submitted offline and sent exactly once when the network comes back;
// the report and the published evaluations say what was answered.
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { collectErrors, expectNoErrors, signIn } from "./support/app";
import { E2E_PORT } from "./support/env";
import { randomUUID } from "node:crypto";

/// The demo region's kind with the longest checklist (32 requirements).
const KIND = "zhilishchnyj-nadzor";


/// Another demo entrepreneur evaluates a requirement through the API, as their device would.
async function evaluateAs(request: APIRequestContext, email: string, requirement: string, clarity: number) {
  const login = await request.post("/api/session/login", { data: { email, password: "demo-password-2026" } });
  expect(login.status()).toBe(200);
  const op = { op_id: randomUUID(), kind: "requirement.evaluate",
    payload: { requirement_id: requirement, clarity, feasibility: 4 } };
  const push = await request.post("/api/sync/push", { data: { ops: [op] } });
  expect(push.status()).toBe(200);
  expect((await push.json())[0].status).toBe("applied");
}

async function submittedCount(page: Page): Promise<number> {
  const response = await page.request.post("/api/self_check/mine", { data: {} });
  expect(response.status()).toBe(200);
  return (await response.json()).length;
}

test("a business self-assesses offline over a reload, evaluates two requirements, and the result arrives once", async ({
  page,
  context,
  playwright,
}) => {
  test.setTimeout(120_000);
  const errors = collectErrors(page);
  await signIn(page, "business@demo.knd.local");
  const before = await submittedCount(page);
  // One online visit: the checklists and the user's organisations stay on the device.
  await page.goto("/self-check");
  await expect(page.locator(`#sc-kind-${KIND}`)).toBeVisible();

  // What was published before, to compare with after (the demo data has evaluations too).
  type Figures = { requirement_id: string; withheld: boolean; count: number; clarity: number; feasibility: number; median_cost: number | null; contradictory_share: number };
  const publishedNow = async (): Promise<Figures[]> => {
    const response = await page.request.get("/api/v1/requirements/evaluations");
    expect(response.status()).toBe(200);
    return response.json();
  };
  // The requirement evaluated below (the fourth question) shows figures only from five
  // evaluations; the demo has one or two, so the kind page says there are fewer than five.
  const checklist = await (await page.request.get(`/api/v1/control-kinds/${KIND}/checklist`)).json();
  const evaluatedId: string = checklist.questions[3].requirement_id;
  const withheld = (await publishedNow()).find((e) => e.requirement_id === evaluatedId)!;
  expect(withheld.withheld).toBe(true);
  expect(withheld.count).toBeNull();
  await page.goto(`/kinds/${KIND}/checklist`);
  await expect(page.locator(`#cq-${evaluatedId} .figures`)).toContainText("меньше 5 оценок");
  // Five other entrepreneurs evaluate it: now it has figures, and ours must add exactly one.
  const others = await playwright.request.newContext({ baseURL: `http://127.0.0.1:${E2E_PORT}` });
  for (let n = 1; n <= 5; n++) {
    await evaluateAs(others, `entrepreneur${n}@demo.knd.local`, evaluatedId, 1 + (n % 5));
  }
  await others.dispose();
  const none: Figures = { requirement_id: "", withheld: true, count: 0, clarity: 0, feasibility: 0, median_cost: null, contradictory_share: 0 };
  const earlier = await publishedNow();
  expect(earlier.find((e) => e.requirement_id === evaluatedId)!.withheld).toBe(false);
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

  expect(firstId).toBe(evaluatedId);
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
  // The second has the demo's one or two and ours: still fewer than five, so no figures.
  expect(b.withheld).toBe(true);
  expect(b.count).toBeNull();
  expect(b.clarity).toBeNull();

  // The kind page shows them to everybody.
  await page.goto(`/kinds/${KIND}/checklist`);
  await expect(page.locator(`#cq-${firstId} .figures`)).toContainText(`оценок: ${a.count}`);
  await expect(page.locator(`#cq-${secondId} .figures`)).toContainText("меньше 5 оценок");

  // Offline, the browser reports the requests it could not make; nothing else may fail.
  await expectNoErrors(errors.filter((e) => !/Failed to fetch|ERR_INTERNET_DISCONNECTED/.test(e)));
});
