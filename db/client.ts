import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { env } from "@/lib/env";
import * as schema from "./schema";

type Schema = typeof schema;
/** A database or a transaction: queries take either, so actions, Inngest steps and tests share them. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export type DbHandle = {
  db: Db;
  driver: "pglite" | "postgres";
  close: () => Promise<void>;
  /** The postgres:// URL this handle was opened with (postgres driver), for a side connection such as the migration lock. */
  url?: string;
};

export type OpenOptions =
  | { driver: "postgres"; url: string; max?: number }
  | { driver: "pglite"; dataDir?: string /* undefined = in memory */ };

export function openDatabase(options: OpenOptions): DbHandle {
  if (options.driver === "postgres") {
    const client = postgres(options.url, { max: options.max ?? 10, onnotice: () => {} });
    return {
      db: drizzlePostgres(client, { schema }) as unknown as Db,
      driver: "postgres",
      close: () => client.end({ timeout: 5 }),
      url: options.url,
    };
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const client = new PGlite(options.dataDir);
  return {
    db: drizzlePglite(client, { schema }) as unknown as Db,
    driver: "pglite",
    close: () => client.close(),
  };
}

/** DATABASE_URL set → PostgreSQL through postgres.js; unset → PGlite in PGLITE_DIR (lib/env validates both). */
export function optionsFromEnv(): OpenOptions {
  const config = env();
  if (config.DATABASE_URL)
    return { driver: "postgres", url: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE };
  return { driver: "pglite", dataDir: path.resolve(/*turbopackIgnore: true*/ config.PGLITE_DIR) };
}

const globalForDb = globalThis as unknown as { fixedServiceDb?: DbHandle };

/** The process-wide handle (kept on globalThis so Next's dev reloads do not open PGlite twice). */
export function getDbHandle(): DbHandle {
  globalForDb.fixedServiceDb ??= openDatabase(optionsFromEnv());
  return globalForDb.fixedServiceDb;
}

export function getDb(): Db {
  return getDbHandle().db;
}

/** Lets tests and scripts install their own handle as the process-wide one. */
export function setDbHandle(handle: DbHandle | undefined): void {
  globalForDb.fixedServiceDb = handle;
}

/** Rows of a raw `db.execute`: postgres.js returns an array, PGlite returns `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
