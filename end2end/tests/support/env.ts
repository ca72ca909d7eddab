// Where the build under test lives and how its server is started.
import { tmpdir } from "node:os";
import { resolve } from "node:path";

export const ROOT = resolve(__dirname, "../../..");
export const E2E_PORT = Number(process.env.KND_E2E_PORT ?? 3100);
export const serverBinary = resolve(ROOT, "target/debug/server");
export const siteRoot = resolve(ROOT, "target/site");
export const hashFile = resolve(ROOT, "target/debug/hash.txt");
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const databaseUrl = process.env.KND_E2E_DATABASE_URL ?? process.env.DATABASE_URL;
if (!databaseUrl) throw new Error("DATABASE_URL (or KND_E2E_DATABASE_URL) must point at the test database");

export function serverEnv(opts: { port: number; site?: string; hashFile?: string }): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    DATABASE_URL: databaseUrl!,
    LEPTOS_SITE_ADDR: `127.0.0.1:${opts.port}`,
    LEPTOS_SITE_ROOT: opts.site ?? siteRoot,
    LEPTOS_OUTPUT_NAME: "knd",
    LEPTOS_HASH_FILES: "true",
    LEPTOS_HASH_FILE_NAME: opts.hashFile ?? hashFile,
    KND_DEMO: "true",
    // Attached files of the run go to a scratch directory, never into the checkout.
    KND_DATA_DIR: resolve(tmpdir(), `knd-e2e-data-${opts.port}`),
    RUST_LOG: "warn",
  };
}
