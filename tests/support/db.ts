import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { inject } from "vitest";
import { type DbHandle, openDatabase } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";

export type Driver = "pglite" | "postgres";

/** Which databases the integration suite runs against (both by default). */
export const DRIVERS: Driver[] = (process.env.TEST_DRIVERS ?? "pglite,postgres")
  .split(",")
  .map((d) => d.trim())
  .filter((d): d is Driver => d === "pglite" || d === "postgres");

export type TestDb = DbHandle & {
  /** Empties every table and restarts sequences, so each test starts from nothing. */
  reset: () => Promise<void>;
  /** postgres:// URL of this test database (postgres driver only), for extra connections. */
  url?: string;
};

const TABLES = [
  "audit_log",
  "notices",
  "sync_attempts",
  "integration_syncs",
  "change_events",
  "tasks",
  "work_items",
  "integrations",
  "rate_limits",
  "verifications",
  "accounts",
  "sessions",
  "users",
];

/**
 * A migrated database of the given kind: PGlite in memory, or a fresh database on the suite's
 * real PostgreSQL server (see global-setup.ts). Share one per test file; reset between tests.
 */
export async function createTestDb(driver: Driver): Promise<TestDb> {
  let handle: DbHandle;
  let url: string | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  if (driver === "postgres") {
    const adminUrl = inject("postgresUrl");
    if (!adminUrl)
      throw new Error("No PostgreSQL for tests: set TEST_DATABASE_URL or include postgres in TEST_DRIVERS");
    const name = `fs_test_${randomBytes(6).toString("hex")}`;
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    const parsed = new URL(adminUrl);
    parsed.pathname = `/${name}`;
    url = parsed.toString();
    handle = openDatabase({ driver: "postgres", url, max: 20 });
    dropDatabase = async () => {
      const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    };
  } else {
    handle = openDatabase({ driver: "pglite" });
  }
  await migrateDatabase(handle);
  return {
    ...handle,
    url,
    reset: async () => {
      await handle.db.execute(sql.raw(`truncate ${TABLES.join(", ")} restart identity cascade`));
      await handle.db.execute(sql`alter sequence work_item_number_seq restart with 1`);
    },
    close: async () => {
      await handle.close();
      await dropDatabase?.();
    },
  };
}
