// Starting extra instances of the server under test (for the update flow, which needs two
// builds served one after the other on the same origin).
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashFile, serverBinary, serverEnv, siteRoot } from "./env";

export interface Running {
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startServer(opts: { port: number; site?: string; hashFile?: string }): Promise<Running> {
  const child = spawn(serverBinary, [], { env: serverEnv(opts), stdio: ["ignore", "ignore", "inherit"] });
  const url = `http://127.0.0.1:${opts.port}/healthz`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("server did not become healthy");
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    process: child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Makes "the next build": a copy of the site whose stylesheet changed, with its own hash
 * file, exactly what a new `cargo leptos build` with a CSS change produces. */
export function makeNextBuild(): { site: string; hashFile: string } {
  const dir = mkdtempSync(join(tmpdir(), "knd-next-build-"));
  const site = join(dir, "site");
  cpSync(siteRoot, site, { recursive: true });
  const hashes = readFileSync(hashFile, "utf8");
  const css = /^css:\s*(\S+)/m.exec(hashes)![1];
  const nextCss = `${css}next`;
  copyFileSync(join(site, "pkg", `knd.${css}.css`), join(site, "pkg", `knd.${nextCss}.css`));
  appendFileSync(join(site, "pkg", `knd.${nextCss}.css`), "\n/* next build */\n");
  const nextHashFile = join(dir, "hash.txt");
  writeFileSync(nextHashFile, hashes.replace(/^css:.*$/m, `css: ${nextCss}`));
  return { site, hashFile: nextHashFile };
}
