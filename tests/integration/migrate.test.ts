import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { describe, expect, inject, it } from "vitest";
import { type DbHandle, openDatabase, rowsOf } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { DRIVERS } from "../support/db";

const journal = JSON.parse(
  readFileSync(path.join(process.cwd(), "db", "migrations", "meta", "_journal.json"), "utf8"),
) as { entries: { tag: string }[] };

async function appliedMigrations(handle: DbHandle): Promise<number> {
  const rows = rowsOf<{ n: number }>(
    await handle.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`),
  );
  return rows[0].n;
}

describe.runIf(DRIVERS.includes("postgres"))("migrations on PostgreSQL with several replicas", () => {
  it("lets four replicas starting together on an empty database all succeed, applying each migration once", async () => {
    const adminUrl = inject("postgresUrl");
    if (!adminUrl) throw new Error("No PostgreSQL for tests");
    const name = `fs_migrate_${randomBytes(6).toString("hex")}`;
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    // One connection each, like replicas sized DATABASE_POOL_SIZE=1: the lock must not need a second one from the pool.
    const replicas = Array.from({ length: 4 }, () =>
      openDatabase({ driver: "postgres", url: url.toString(), max: 1 }),
    );
    try {
      const results = await Promise.allSettled(replicas.map((r) => migrateDatabase(r)));
      expect(results.map((r) => (r.status === "rejected" ? String(r.reason) : "ok"))).toEqual([
        "ok",
        "ok",
        "ok",
        "ok",
      ]);
      expect(await appliedMigrations(replicas[0])).toBe(journal.entries.length);
      const tables = rowsOf<{ n: number }>(
        await replicas[0].db.execute(
          sql`select count(*)::int as n from information_schema.tables where table_name = 'work_items'`,
        ),
      );
      expect(tables[0].n).toBe(1);
      // A later start finds nothing to apply and still succeeds.
      await migrateDatabase(replicas[1]);
      expect(await appliedMigrations(replicas[1])).toBe(journal.entries.length);
    } finally {
      await Promise.all(replicas.map((r) => r.close()));
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});

describe.runIf(DRIVERS.includes("pglite"))("migrations on PGlite", () => {
  it("migrates an empty database and a second run applies nothing", async () => {
    const handle = openDatabase({ driver: "pglite" });
    try {
      await migrateDatabase(handle);
      await migrateDatabase(handle);
      expect(await appliedMigrations(handle)).toBe(journal.entries.length);
    } finally {
      await handle.close();
    }
  });
});
