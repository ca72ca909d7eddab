// Direct access to the test database, for what no user can do: provoking a server fault.
import { execFileSync } from "node:child_process";

const databaseUrl = process.env.KND_E2E_DATABASE_URL ?? process.env.DATABASE_URL;

/** Runs SQL statements in the database the server under test uses; returns psql's output. */
export function sql(statements: string): string {
  if (!databaseUrl) throw new Error("KND_E2E_DATABASE_URL (or DATABASE_URL) must be set");
  return execFileSync("psql", [databaseUrl, "-v", "ON_ERROR_STOP=1", "-tAq", "-c", statements], {
    encoding: "utf8",
  });
}
