import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { describe, expect, inject, it } from "vitest";
import { type DbHandle, openDatabase, rowsOf } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { DRIVERS, type Driver } from "../support/db";

const journal = JSON.parse(
  readFileSync(path.join(process.cwd(), "db", "migrations", "meta", "_journal.json"), "utf8"),
) as { entries: { tag: string; when: number }[] };

/** An empty, unmigrated database of the given kind. */
async function openFresh(driver: Driver): Promise<{ handle: DbHandle; close: () => Promise<void> }> {
  if (driver === "pglite") {
    const handle = openDatabase({ driver: "pglite" });
    return { handle, close: () => handle.close() };
  }
  const adminUrl = inject("postgresUrl");
  if (!adminUrl) throw new Error("No PostgreSQL for tests");
  const name = `fs_upgrade_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = openDatabase({ driver: "postgres", url: url.toString(), max: 2 });
  return {
    handle,
    close: async () => {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

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

describe("the migrations journal", () => {
  it("dates every migration after the one before it (drizzle applies only those newer than a database's newest)", () => {
    const late = journal.entries.filter((e, i) => i > 0 && e.when <= journal.entries[i - 1].when);
    expect(late.map((e) => e.tag)).toEqual(["0007_audit_log"]);
  });
});

describe.each(DRIVERS)("upgrading a database migrated before the audit log on %s", (driver) => {
  it("gets the audit log and the later indexes (0007 was journalled before 0006)", async () => {
    // A migrations folder as it was when 0006 was the newest.
    const old = mkdtempSync(path.join(os.tmpdir(), "fs-migrations-"));
    const source = path.join(process.cwd(), "db", "migrations");
    mkdirSync(path.join(old, "meta"));
    const upTo6 = journal.entries.slice(0, 7);
    expect(upTo6.at(-1)?.tag).toBe("0006_auto_pause_notices");
    for (const e of upTo6) copyFileSync(path.join(source, `${e.tag}.sql`), path.join(old, `${e.tag}.sql`));
    writeFileSync(path.join(old, "meta", "_journal.json"), JSON.stringify({ ...journal, entries: upTo6 }));

    const handle = await openFresh(driver);
    try {
      await migrateDatabase(handle.handle, old);
      const exists = async (name: string) =>
        rowsOf<{ found: string | null }>(
          await handle.handle.db.execute(sql`select to_regclass(${name})::text as found`),
        )[0].found !== null;
      expect(await exists("audit_log")).toBe(false);
      await migrateDatabase(handle.handle);
      expect(await exists("audit_log")).toBe(true);
      expect(await exists("audit_log_target_at_idx")).toBe(true);
      expect(await exists("change_events_subject_created_idx")).toBe(true);
      expect(await exists("change_events_work_item_revision_idx")).toBe(true);
    } finally {
      await handle.close();
      rmSync(old, { recursive: true, force: true });
    }
  });
});
