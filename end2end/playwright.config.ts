// End-to-end tests against a build made by cargo-leptos (`cargo leptos build --split`), driving
// Debian's Chromium: Playwright's own browser download is not reachable here.
import { defineConfig } from "@playwright/test";
import { chromiumArgs, chromiumPath, E2E_PORT, serverEnv, serverBinary } from "./tests/support/env";

export default defineConfig({
  testDir: "./tests",
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    serviceWorkers: "allow",
    // The browser asks for English: the portal must still answer in Russian by default.
    locale: "en-US",
    launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
    trace: "retain-on-failure",
  },
  projects: [
    { name: "phone", use: { viewport: { width: 390, height: 844 }, hasTouch: true } },
  ],
  webServer: {
    command: serverBinary,
    env: serverEnv({ port: E2E_PORT }),
    url: `http://127.0.0.1:${E2E_PORT}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "ignore",
    stderr: "pipe",
  },
});
