// Helpers shared by the specs.
import { expect, type Page } from "@playwright/test";

/** Waits until the wasm has hydrated the page and registered the service worker that now
 * controls it: the registration is done by the hydrated app, so this proves both. */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 30_000 });
}

/** Waits until the wasm has hydrated the page (`<html data-hydrated>`): from then on its
 * buttons and forms work, so what a test types is not lost to hydration. */
export async function waitForHydration(page: Page): Promise<void> {
  await page.locator("html[data-hydrated]").waitFor({ state: "attached", timeout: 30_000 });
}

/** The header's network pill, as the user sees it: «В сети» or «Нет сети». */
export function networkStatus(page: Page) {
  return page.locator(".network-status");
}

/** Build id the server rendered into the page. */
export async function pageBuild(page: Page): Promise<string | null> {
  return page.locator('meta[name="knd-build"]').getAttribute("content");
}

/** Collects console errors and uncaught exceptions (CSP violations, hydration panics). */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  page.on("pageerror", (err) => errors.push(err.message));
  return errors;
}

export async function expectNoErrors(errors: string[]): Promise<void> {
  expect(errors, `console errors:\n${errors.join("\n")}`).toEqual([]);
}

/** The password of every demo account. */
export const DEMO_PASSWORD = "demo-password-2026";

/** Signs in as a demo account once the app has hydrated, and waits for the cabinet. */
export async function signIn(page: Page, email: string): Promise<void> {
  await page.goto("/login");
  await waitForServiceWorker(page);
  await page.getByLabel("Электронная почта").fill(email);
  await page.getByLabel("Пароль").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Войти", exact: true }).click();
  await expect(page).toHaveURL(/\/cabinet/);
}
