import path from "node:path";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import type { DbHandle } from "./client";

const MIGRATIONS_FOLDER = path.join(process.cwd(), "db", "migrations");

/**
 * Key of the session-level advisory lock held while migrating PostgreSQL, so replicas and the migration
 * job starting together apply each migration once (the others wait, then find nothing left to apply).
 */
const MIGRATION_LOCK_KEY = 7_140_613_001;

export async function migrateDatabase(handle: DbHandle, migrationsFolder = MIGRATIONS_FOLDER): Promise<void> {
  if (handle.driver === "pglite") {
    // One process owns a PGlite directory, so there is nobody to race.
    // biome-ignore lint/suspicious/noExplicitAny: the two migrators take their own driver's database type
    await migratePglite(handle.db as any, { migrationsFolder });
    return;
  }
  if (!handle.url) throw new Error("Migrating PostgreSQL needs the handle's url for the migration lock");
  // The lock lives on its own connection: the migrator's pool may be a single connection (DATABASE_POOL_SIZE=1).
  const lock = postgres(handle.url, { max: 1, onnotice: () => {} });
  try {
    await lock`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    // biome-ignore lint/suspicious/noExplicitAny: see above
    await migratePostgres(handle.db as any, { migrationsFolder });
  } finally {
    // Ending the session releases the lock even if the unlock query never ran.
    await lock.end({ timeout: 5 });
  }
}
