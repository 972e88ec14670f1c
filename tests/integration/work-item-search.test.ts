import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Db, openDatabase, rowsOf } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import * as schema from "@/db/schema";
import { tasks, users, workItemSearch } from "@/db/schema";
import { createTask, updateTask } from "@/server/work-items/tasks";
import { workItemCreateSchema } from "@/server/work-items/validation";
import {
  type Actor,
  createWorkItem,
  type ListWorkItemsParams,
  listWorkItems,
  updateWorkItem,
} from "@/server/work-items/work-items";
import { createTestDb, DRIVERS, type TestDb } from "../support/db";

const ADA: Actor = { id: "user-ada", name: "Ada Tech" };

/** Four repairs whose words overlap only where a test says so. */
const ITEMS = {
  screen: {
    title: "Cracked screen",
    description: "Dropped on a tiled floor",
    customerName: "Jürgen Müller",
    customerEmail: "j.mueller@werkstatt.de",
    customerPhone: "+49 30 1234 5678",
    device: "iPhone 13",
    serialNumber: "F17XK2",
  },
  battery: {
    title: "Battery replacement",
    description: "Swollen battery lifts the trackpad",
    customerName: "Anna Lindqvist",
    customerEmail: "anna@lindqvist.se",
    customerPhone: "+46 8 555 0199",
    device: "MacBook Pro 14",
    serialNumber: "C02ZL0AB",
  },
  board: {
    title: "No power",
    description: "Board shorts; the battery is fine",
    customerName: "Renée Dubois",
    customerEmail: "renee@example.fr",
    customerPhone: "+33 6 98 76 54 32",
    device: "ThinkPad X1",
    serialNumber: "PF-3K9QZ",
  },
  speaker: {
    title: "Speaker crackles",
    description: "",
    customerName: "Zoe Martin",
    customerEmail: null,
    customerPhone: null,
    device: "Pixel 8",
    serialNumber: null,
  },
} as const;
type Key = keyof typeof ITEMS;

describe.each(DRIVERS)("work item search on %s", (driver) => {
  let t: TestDb;
  let ids: Record<Key, number>;
  let revisions: Record<Key, number>;
  beforeAll(async () => {
    t = await createTestDb(driver);
  });
  afterAll(async () => t?.close());
  beforeEach(async () => {
    await t.reset();
    await t.db
      .insert(users)
      .values({ id: "user-ada", name: "Ada Tech", email: "ada@fixed.test", role: "technician" });
    ids = {} as Record<Key, number>;
    revisions = {} as Record<Key, number>;
    for (const [key, fields] of Object.entries(ITEMS) as [Key, (typeof ITEMS)[Key]][]) {
      const created = await createWorkItem(t.db, workItemCreateSchema.parse(fields), ADA);
      if (!created.ok) throw new Error(`create ${key} failed`);
      ids[key] = created.row.id;
      revisions[key] = created.row.revision;
    }
    const task = await createTask(t.db, ids.speaker, "Replace battery connector", ADA);
    if (!task.ok) throw new Error("task create failed");
  });

  /** The keys of the items a search lists, in the order it lists them. */
  async function found(q: string, params: ListWorkItemsParams = {}): Promise<Key[]> {
    const byId = new Map(Object.entries(ids).map(([key, id]) => [id, key as Key]));
    const { rows, total } = await listWorkItems(t.db, { q, sort: "relevance", ...params });
    expect(total).toBe(rows.length);
    return rows.map((r) => byId.get(r.id)!);
  }
  const sorted = (keys: Key[]) => [...keys].sort();

  it("finds words of the title, the description and the device, whatever their case, and only those items", async () => {
    expect(await found("Cracked")).toEqual(["screen"]);
    expect(await found("cracked")).toEqual(["screen"]);
    expect(await found("trackpad")).toEqual(["battery"]);
    expect(await found("thinkpad")).toEqual(["board"]);
    expect(sorted(await found("battery"))).toEqual(["battery", "board", "speaker"]);
  });

  it("finds what is being typed: every word is a prefix and all of them are required", async () => {
    expect(sorted(await found("batt"))).toEqual(["battery", "board", "speaker"]);
    expect(sorted(await found("crack"))).toEqual(["screen", "speaker"]);
    expect(await found("batt track")).toEqual(["battery"]);
    expect(await found("batt thinkp")).toEqual(["board"]);
    expect(await found("batt nothing")).toEqual([]);
  });

  it("folds accents both ways: Muller finds Müller, Zoë finds Zoe", async () => {
    expect(await found("Muller")).toEqual(["screen"]);
    expect(await found("müller")).toEqual(["screen"]);
    expect(await found("jurgen")).toEqual(["screen"]);
    expect(await found("Renee")).toEqual(["board"]);
    expect(await found("Zoë")).toEqual(["speaker"]);
    expect(await found("RENÉE DUBOIS")).toEqual(["board"]);
  });

  it("finds an e-mail whole or as its start, and not another item sharing one of its words", async () => {
    expect(await found("anna@lindqvist.se")).toEqual(["battery"]);
    expect(await found("j.mueller@werk")).toEqual(["screen"]);
    expect(await found("renee@example")).toEqual(["board"]);
  });

  it("finds a phone number however it is written: international, national, run together or its last digits", async () => {
    expect(await found("+46 8 555 0199")).toEqual(["battery"]);
    expect(await found("+4685550199")).toEqual(["battery"]);
    expect(await found("555 0199")).toEqual(["battery"]);
    expect(await found("5550199")).toEqual(["battery"]);
    expect(await found("030 1234 5678")).toEqual(["screen"]);
    expect(await found("12345678")).toEqual(["screen"]);
    expect(await found("06 98 76")).toEqual(["board"]);
  });

  it("finds a serial number whole, with or without its dashes, or by its last characters, and the reference", async () => {
    expect(await found("F17XK2")).toEqual(["screen"]);
    expect(await found("xk2")).toEqual(["screen"]);
    expect(await found("PF-3K9QZ")).toEqual(["board"]);
    expect(await found("pf3k9")).toEqual(["board"]);
    expect(await found("3k9qz")).toEqual(["board"]);
    expect(await found("RMA-000002")).toEqual(["battery"]);
    expect(await found("rma000003")).toEqual(["board"]);
  });

  it("finds an item by one of its tasks' titles", async () => {
    expect(await found("connector")).toEqual(["speaker"]);
    expect(await found("replace conn")).toEqual(["speaker"]);
  });

  it("ranks the best match first: title before task before description, unless the user picked a sort", async () => {
    // battery: in the title (and description); speaker: a task; board: the description only.
    expect(await found("battery")).toEqual(["battery", "speaker", "board"]);
    expect(await found("battery", { sort: "title", dir: "asc" })).toEqual(["battery", "board", "speaker"]);
    expect(await found("battery", { sort: "reference", dir: "desc" })).toEqual([
      "speaker",
      "board",
      "battery",
    ]);
    // A match in the customer's name outranks one in a task.
    const renamed = await updateWorkItem(
      t.db,
      ids.board,
      { revision: revisions.board, customerName: "Connor Dubois" },
      ADA,
    );
    expect(renamed.ok).toBe(true);
    expect(await found("conn")).toEqual(["board", "speaker"]);
  });

  it("combines the search with the status filter and pages the matches", async () => {
    const moved = await updateWorkItem(
      t.db,
      ids.board,
      { revision: revisions.board, status: "in_progress" },
      ADA,
    );
    expect(moved.ok).toBe(true);
    expect(await found("battery", { status: ["in_progress"] })).toEqual(["board"]);
    const page2 = await listWorkItems(t.db, { q: "battery", pageSize: 10, page: 1 });
    expect(page2.total).toBe(3);
    const { rows, total } = await listWorkItems(t.db, { q: "batt", page: 2, pageSize: 10 });
    expect([rows.length, total]).toEqual([0, 3]);
  });

  it("treats what the user types as words, never as query syntax: punctuation alone finds nothing and fails nothing", async () => {
    expect(await found("!!!")).toEqual([]);
    expect(await found("&|!():*'\\")).toEqual([]);
    expect(await found("battery & !trackpad")).toEqual(["battery"]);
    expect(await found("'cracked'")).toEqual(["screen"]);
    expect(await found("zzzz")).toEqual([]);
  });

  it("follows every edit: the item's own fields, a new task, a renamed task; a status change leaves it alone", async () => {
    const saved = await updateWorkItem(
      t.db,
      ids.screen,
      { revision: revisions.screen, title: "Shattered glass", customerName: "Jürgen Weiß" },
      ADA,
    );
    if (!saved.ok || !saved.changed) throw new Error("save failed");
    expect(await found("cracked")).toEqual([]);
    expect(await found("shatter")).toEqual(["screen"]);
    expect(await found("muller")).toEqual([]);
    expect(await found("weiss")).toEqual(["screen"]);
    // Fields the search does not read: the document is untouched and still right.
    const moved = await updateWorkItem(
      t.db,
      ids.screen,
      { revision: saved.row.revision, status: "resolved" },
      ADA,
    );
    expect(moved.ok).toBe(true);
    expect(await found("shatter")).toEqual(["screen"]);

    const task = await createTask(t.db, ids.screen, "Order digitizer", ADA);
    if (!task.ok) throw new Error("task create failed");
    expect(await found("digitiz")).toEqual(["screen"]);
    const renamed = await updateTask(
      t.db,
      task.row.id,
      { revision: task.row.revision, title: "Order bezel" },
      ADA,
    );
    expect(renamed.ok).toBe(true);
    expect(await found("digitiz")).toEqual([]);
    expect(await found("bezel")).toEqual(["screen"]);
    // Ticking a task off changes nothing search reads.
    const ticked = await updateTask(t.db, task.row.id, { revision: task.row.revision + 1, done: true }, ADA);
    expect(ticked.ok).toBe(true);
    expect(await found("bezel")).toEqual(["screen"]);

    await t.db.delete(tasks).where(eq(tasks.workItemId, ids.speaker));
    expect(await found("connector")).toEqual([]);
  });

  it("keeps one document per work item, written by whatever inserts the row (a script, the seed)", async () => {
    await t.db.execute(
      sql`insert into work_items (title, customer_name, device) values ('Fan noise', 'Ólafur Arnalds', 'Xbox')`,
    );
    expect((await listWorkItems(t.db, { q: "olafur fan" })).rows.map((r) => r.title)).toEqual(["Fan noise"]);
    const counts = rowsOf<{ items: number; documents: number }>(
      await t.db.execute(sql`select (select count(*)::int from work_items) as items,
        (select count(*)::int from ${workItemSearch}) as documents`),
    );
    expect(counts[0].items).toBe(5);
    expect(counts[0].documents).toBe(5);
  });
});

describe.runIf(DRIVERS.includes("postgres"))("work item search under concurrent saves on postgres", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb("postgres");
  });
  afterAll(async () => t?.close());

  it("keeps every one of concurrent saves of one item (its title and two new tasks) in its document", async () => {
    await t.reset();
    await t.db
      .insert(users)
      .values({ id: "user-ada", name: "Ada Tech", email: "ada@fixed.test", role: "technician" });
    for (let round = 0; round < 10; round++) {
      const created = await createWorkItem(t.db, workItemCreateSchema.parse({ ...ITEMS.speaker }), ADA);
      if (!created.ok) throw new Error("create failed");
      const id = created.row.id;
      const saves = await Promise.all([
        updateWorkItem(t.db, id, { revision: 1, title: `Hinge broken k${round}q` }, ADA),
        createTask(t.db, id, `Glue hinge k${round}q`, ADA),
        createTask(t.db, id, `Clean fan k${round}q`, ADA),
      ]);
      expect(saves.map((s) => s.ok)).toEqual([true, true, true]);
      const { rows } = await listWorkItems(t.db, { q: `broken glue clean k${round}q` });
      expect(rows.map((r) => r.id)).toEqual([id]);
    }
  });
});

type Plan = { "Node Type": string; "Relation Name"?: string; "Index Name"?: string; Plans?: Plan[] };
const nodes = (plan: Plan): Plan[] => [plan, ...(plan.Plans ?? []).flatMap(nodes)];

describe.each(DRIVERS)("the search's plan on %s", (driver) => {
  let t: TestDb;
  let captured: { query: string; params: unknown[] }[] = [];
  let logged: Db;
  let explain: (query: string, params: unknown[]) => Promise<Plan>;

  beforeAll(async () => {
    t = await createTestDb(driver);
    await t.db.execute(sql`
      insert into work_items (title, description, customer_name, customer_phone, device, serial_number)
      select 'Repair ' || g, 'Notes ' || g, 'Customer ' || g, '+44 7700 ' || lpad(g::text, 6, '0'),
             (array['iPhone 14', 'Pixel 8', 'MacBook Air'])[g % 3 + 1], 'SN' || g
      from generate_series(1, 5000) g`);
    await t.db.execute(sql`vacuum analyze`);
    const logger = { logQuery: (query: string, params: unknown[]) => captured.push({ query, params }) };
    const client = (t.db as unknown as { $client: unknown }).$client;
    if (driver === "postgres") {
      const pg = client as import("postgres").Sql;
      logged = drizzlePostgres(pg, { schema, logger }) as unknown as Db;
      explain = async (query, params) => {
        const [row] = await pg.unsafe(`explain (format json) ${query}`, params as never[]);
        return (row["QUERY PLAN"] as { Plan: Plan }[])[0].Plan;
      };
    } else {
      const lite = client as import("@electric-sql/pglite").PGlite;
      logged = drizzlePglite(lite, { schema, logger }) as unknown as Db;
      explain = async (query, params) => {
        const { rows } = await lite.query<{ "QUERY PLAN": { Plan: Plan }[] }>(
          `explain (format json) ${query}`,
          params as never[],
        );
        return rows[0]["QUERY PLAN"][0].Plan;
      };
    }
  }, 120_000);
  afterAll(async () => t?.close());

  it("reads the document index, not every document, for the page and for its total", async () => {
    captured = [];
    const { rows, total } = await listWorkItems(logged, { q: "customer 4321" });
    expect(rows.map((r) => r.title)).toEqual(["Repair 4321"]);
    expect(total).toBe(1);
    expect(captured).toHaveLength(2);
    for (const { query, params } of captured) {
      const plan = nodes(await explain(query, params));
      expect(plan.map((n) => n["Index Name"])).toContain("work_item_search_document_idx");
      const scanned = plan.filter((n) => n["Node Type"] === "Seq Scan").map((n) => n["Relation Name"]);
      expect(scanned.filter((name) => name === "work_items" || name === "work_item_search")).toEqual([]);
    }
  });
});

describe.runIf(DRIVERS.includes("pglite"))("upgrading a database with work items to search on pglite", () => {
  it("writes the documents of the items and tasks already there", async () => {
    const source = path.join(process.cwd(), "db", "migrations");
    const journal = JSON.parse(readFileSync(path.join(source, "meta", "_journal.json"), "utf8")) as {
      entries: { tag: string }[];
    };
    const upTo9 = journal.entries.slice(0, 10);
    expect(upTo9.at(-1)?.tag).toMatch(/^0009_/);
    const old = mkdtempSync(path.join(os.tmpdir(), "fs-migrations-"));
    mkdirSync(path.join(old, "meta"));
    for (const e of upTo9) copyFileSync(path.join(source, `${e.tag}.sql`), path.join(old, `${e.tag}.sql`));
    writeFileSync(path.join(old, "meta", "_journal.json"), JSON.stringify({ ...journal, entries: upTo9 }));
    const handle = openDatabase({ driver: "pglite" });
    try {
      await migrateDatabase(handle, old);
      await handle.db.execute(sql`
        insert into work_items (title, customer_name, device) values ('Cracked screen', 'Jürgen Müller', 'iPhone 13'),
          ('Fan noise', 'Anna Lindqvist', 'Xbox')`);
      await handle.db.execute(sql`insert into tasks (work_item_id, title) values (2, 'Order thermal paste')`);
      await migrateDatabase(handle);
      const titles = async (q: string) => (await listWorkItems(handle.db, { q })).rows.map((r) => r.title);
      expect(await titles("muller")).toEqual(["Cracked screen"]);
      expect(await titles("thermal")).toEqual(["Fan noise"]);
    } finally {
      await handle.close();
      rmSync(old, { recursive: true, force: true });
    }
  });
});
