import { and, eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Db, openDatabase } from "@/db/client";
import * as schema from "@/db/schema";
import { type ChangeEvent, changeEvents, tasks, users, type WorkItemStatus, workItems } from "@/db/schema";
import { createTask, listTasks, updateTask } from "@/server/work-items/tasks";
import { workItemCreateSchema, workItemUpdateSchema } from "@/server/work-items/validation";
import {
  type Actor,
  createWorkItem,
  getWorkItem,
  getWorkItemByReference,
  listTechnicians,
  listWorkItems,
  updateWorkItem,
} from "@/server/work-items/work-items";
import { createTestDb, DRIVERS, type TestDb } from "../support/db";

const ADA: Actor = { id: "user-ada", name: "Ada Tech" };

const baseInput = workItemCreateSchema.parse({
  title: "Replace cracked screen",
  customerName: "Maria Keller",
  customerEmail: "maria@example.com",
  device: "iPhone 14 Pro",
  serialNumber: "F2LXK0Q1N72J",
  price: "189.00",
});

describe.each(DRIVERS)("work items on %s", (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(driver);
  });
  afterAll(async () => t?.close());
  beforeEach(async () => {
    await t.reset();
    await t.db.insert(users).values([
      { id: "user-ada", name: "Ada Tech", email: "ada@fixed.test", role: "technician" },
      { id: "user-bo", name: "Bo Manager", email: "bo@fixed.test", role: "manager" },
    ]);
  });

  async function eventsFor(workItemId: number): Promise<ChangeEvent[]> {
    return t.db
      .select()
      .from(changeEvents)
      .where(eq(changeEvents.workItemId, workItemId))
      .orderBy(changeEvents.revision, changeEvents.eventType);
  }

  async function create(overrides: Partial<typeof baseInput> = {}) {
    const result = await createWorkItem(t.db, { ...baseInput, ...overrides }, ADA);
    if (!result.ok) throw new Error(`create failed: ${result.reason}`);
    return result;
  }

  it("records one created event, one updated event per save and one status event per status change", async () => {
    const created = await create();
    expect(created.row).toMatchObject({
      reference: "RMA-000001",
      revision: 1,
      status: "new",
      priceCents: 18900,
    });
    expect(created.events.map((e) => e.id)).toEqual([`workitem-created-${created.row.id}`]);

    const first = await updateWorkItem(
      t.db,
      created.row.id,
      { revision: 1, title: "Replace cracked screen and battery", priceCents: 24950 },
      ADA,
    );
    expect(first).toMatchObject({ ok: true, changed: true });
    if (!first.ok || !first.changed) throw new Error("first save failed");
    expect(first.events.map((e) => e.eventType)).toEqual(["workitem_updated"]);

    const second = await updateWorkItem(
      t.db,
      created.row.id,
      {
        revision: 2,
        title: "Replace cracked screen and battery",
        status: "in_progress",
        technicianId: "user-bo",
      },
      { id: "user-bo", name: "Bo Manager" },
    );
    if (!second.ok || !second.changed) throw new Error("second save failed");
    expect(second.row).toMatchObject({ revision: 3, status: "in_progress", technicianName: "Bo Manager" });
    expect(second.events.map((e) => e.eventType)).toEqual(["workitem_updated", "workitem_status_changed"]);

    const events = await eventsFor(created.row.id);
    const byType = (type: ChangeEvent["eventType"]) => events.filter((e) => e.eventType === type);
    expect(byType("workitem_created")).toHaveLength(1);
    expect(byType("workitem_updated")).toHaveLength(2);
    expect(byType("workitem_status_changed")).toHaveLength(1);
    expect(events).toHaveLength(4);

    const [createdEvent] = byType("workitem_created");
    expect(createdEvent).toMatchObject({
      id: `workitem-created-${created.row.id}`,
      subjectType: "workitem",
      subjectId: created.row.id,
      revision: 1,
      changes: {},
      actorId: "user-ada",
      actorName: "Ada Tech",
      dispatchedAt: null,
    });
    expect(createdEvent.snapshot).toMatchObject({
      reference: "RMA-000001",
      title: "Replace cracked screen",
      priceCents: 18900,
      status: "new",
      revision: 1,
    });
    expect(typeof createdEvent.snapshot.createdAt).toBe("string");

    const [update1, update2] = byType("workitem_updated");
    expect(update1.id).toMatch(/^evt_[0-9a-f-]{36}$/);
    expect(update1.revision).toBe(2);
    expect(update1.changes).toEqual({
      title: { from: "Replace cracked screen", to: "Replace cracked screen and battery" },
      priceCents: { from: 18900, to: 24950 },
    });
    expect(update1.snapshot).toMatchObject({ revision: 2, priceCents: 24950, status: "new" });

    expect(update2.revision).toBe(3);
    expect(update2.changes).toEqual({
      status: { from: "new", to: "in_progress" },
      technicianId: { from: null, to: "user-bo" },
    });
    expect(update2.snapshot).toMatchObject({
      revision: 3,
      status: "in_progress",
      technicianName: "Bo Manager",
    });
    expect(update2.actorName).toBe("Bo Manager");

    const [statusEvent] = byType("workitem_status_changed");
    expect(statusEvent.revision).toBe(3);
    expect(statusEvent.changes).toEqual({ status: { from: "new", to: "in_progress" } });
    expect(statusEvent.snapshot).toEqual(update2.snapshot);
    expect(new Set(events.map((e) => e.id)).size).toBe(4);
  });

  it("writes nothing and records no event when a save changes nothing", async () => {
    const created = await create();
    const before = await getWorkItem(t.db, created.row.id);
    const result = await updateWorkItem(
      t.db,
      created.row.id,
      { revision: 1, title: baseInput.title, priceCents: 18900, serialNumber: "F2LXK0Q1N72J" },
      ADA,
    );
    expect(result).toMatchObject({ ok: true, changed: false, events: [] });
    const after = await getWorkItem(t.db, created.row.id);
    expect(after).toEqual(before);
    expect(await eventsFor(created.row.id)).toHaveLength(1);
  });

  it("returns the row and change events exactly as stored (they are built before the write)", async () => {
    const created = await create();
    await t.db.insert(users).values({ id: "user-cy", name: "Cy Bench", email: "cy@fixed.test" });
    const saved = await updateWorkItem(
      t.db,
      created.row.id,
      {
        revision: 1,
        status: "in_progress",
        technicianId: "user-cy",
        priceCents: 20_050,
        customerPhone: "+49 30 1",
      },
      ADA,
    );
    if (!saved.ok || !saved.changed) throw new Error("save failed");
    expect(saved.events.map((e) => e.eventType)).toEqual(["workitem_updated", "workitem_status_changed"]);
    const stored = await eventsFor(created.row.id);
    for (const event of saved.events) expect(stored.find((e) => e.id === event.id)).toEqual(event);
    expect(saved.row).toEqual(await getWorkItem(t.db, created.row.id));
    expect(saved.row.technicianName).toBe("Cy Bench");
    expect(saved.events[0].snapshot).toMatchObject({
      technicianName: "Cy Bench",
      revision: 2,
      priceCents: 20_050,
    });
  });

  it.skipIf(driver === "pglite")(
    "saves in two statements, a read and one write; a stale revision is refused after the read alone",
    async () => {
      const item = await create();
      const statements: string[] = [];
      const client = postgres(t.url!, {
        max: 1,
        onnotice: () => {},
        debug: (_c, query) => statements.push(query),
      });
      const db = drizzle(client, { schema }) as unknown as Db;
      try {
        await db.execute(sql`select 1`); // the connection's own start-up is not the save's
        statements.length = 0;
        const saved = await updateWorkItem(db, item.row.id, { revision: 1, title: "Two statements" }, ADA);
        expect(saved).toMatchObject({ ok: true, changed: true });
        expect(statements).toHaveLength(2);
        expect(statements[0]).toMatch(/^select/);
        expect(statements[1]).toMatch(/^\s*with updated as \(update/);

        statements.length = 0;
        const stale = await updateWorkItem(db, item.row.id, { revision: 1, title: "Too late" }, ADA);
        expect(stale).toMatchObject({ ok: false, reason: "stale" });
        expect(statements).toHaveLength(1);
      } finally {
        await client.end();
      }
    },
  );

  it("refuses a stale save and changes nothing", async () => {
    const created = await create();
    await updateWorkItem(t.db, created.row.id, { revision: 1, status: "in_progress" }, ADA);
    const before = await getWorkItem(t.db, created.row.id);
    const stale = await updateWorkItem(
      t.db,
      created.row.id,
      { revision: 1, title: "Overwrite attempt" },
      ADA,
    );
    expect(stale).toMatchObject({
      ok: false,
      reason: "stale",
      current: { revision: 2, title: baseInput.title },
    });
    expect(await getWorkItem(t.db, created.row.id)).toEqual(before);
    expect(await eventsFor(created.row.id)).toHaveLength(3);
  });

  it("refuses bad input and an unknown technician without writing", async () => {
    const created = await create();
    const parsed = workItemUpdateSchema.safeParse({
      revision: "1",
      title: "",
      price: "-3",
      customerEmail: "x@",
    });
    expect(parsed.success).toBe(false);

    const unknownTech = await updateWorkItem(
      t.db,
      created.row.id,
      { revision: 1, technicianId: "nobody" },
      ADA,
    );
    expect(unknownTech).toMatchObject({
      ok: false,
      reason: "invalid",
      fieldErrors: { technicianId: [expect.any(String)] },
    });
    const createUnknown = await createWorkItem(t.db, { ...baseInput, technicianId: "nobody" }, ADA);
    expect(createUnknown).toMatchObject({ ok: false, reason: "invalid" });
    const missing = await updateWorkItem(t.db, 999_999, { revision: 1, title: "x" }, ADA);
    expect(missing).toEqual({ ok: false, reason: "not_found" });

    const [{ count }] = await t.db.select({ count: sql<number>`count(*)::int` }).from(workItems);
    expect(count).toBe(1);
    expect((await getWorkItem(t.db, created.row.id))?.revision).toBe(1);
    expect(await eventsFor(created.row.id)).toHaveLength(1);
  });

  it("finds items by reference", async () => {
    const created = await create();
    expect((await getWorkItemByReference(t.db, "rma-000001"))?.id).toBe(created.row.id);
    expect(await getWorkItemByReference(t.db, "RMA-999999")).toBeNull();
  });

  describe("list", () => {
    const statuses: WorkItemStatus[] = ["new", "in_progress", "waiting_parts", "resolved", "closed"];
    beforeEach(async () => {
      for (let i = 0; i < 12; i++) {
        await create({
          title: `Repair ${String(i).padStart(2, "0")}`,
          customerName: i === 3 ? "Zoë O'Brien" : `Customer ${i}`,
          device: i % 2 === 0 ? "MacBook Air M2" : "PlayStation 5",
          serialNumber: i === 7 ? "SN-100%_X" : `SN${1000 + i}`,
          status: statuses[i % 5],
          priority: i % 3 === 0 ? "express" : "normal",
          technicianId: i < 4 ? "user-ada" : null,
        });
      }
    });

    it("pages on the server and reports the total", async () => {
      const page1 = await listWorkItems(t.db, { page: 1, pageSize: 5, sort: "reference", dir: "asc" });
      const page3 = await listWorkItems(t.db, { page: 3, pageSize: 5, sort: "reference", dir: "asc" });
      expect(page1.total).toBe(12);
      expect(page1.rows.map((r) => r.reference)).toEqual([1, 2, 3, 4, 5].map((n) => `RMA-00000${n}`));
      expect(page3.rows.map((r) => r.reference)).toEqual(["RMA-000011", "RMA-000012"]);
      expect(page3.total).toBe(12);
    });

    it("searches reference, customer, device and serial case-insensitively", async () => {
      expect((await listWorkItems(t.db, { q: "rma-000004" })).rows.map((r) => r.title)).toEqual([
        "Repair 03",
      ]);
      expect((await listWorkItems(t.db, { q: "zoë o'b" })).rows.map((r) => r.title)).toEqual(["Repair 03"]);
      expect((await listWorkItems(t.db, { q: "playstation" })).total).toBe(6);
      expect((await listWorkItems(t.db, { q: "sn1005" })).rows.map((r) => r.title)).toEqual(["Repair 05"]);
      // Punctuation separates words: "SN-100%_X" is sn, 100, x one after the other (or run together).
      expect((await listWorkItems(t.db, { q: "SN-100%_X" })).rows.map((r) => r.title)).toEqual(["Repair 07"]);
      expect((await listWorkItems(t.db, { q: "sn100x" })).rows.map((r) => r.title)).toEqual(["Repair 07"]);
      expect((await listWorkItems(t.db, { q: "nothing like this" })).total).toBe(0);
    });

    it("filters by several statuses, priority and technician together", async () => {
      const result = await listWorkItems(t.db, {
        status: ["new", "resolved"],
        priority: ["express"],
        sort: "title",
        dir: "asc",
      });
      expect(result.rows.map((r) => r.title)).toEqual(["Repair 00", "Repair 03"]);
      const byTech = await listWorkItems(t.db, { technicianId: "user-ada", sort: "title", dir: "asc" });
      expect(byTech.total).toBe(4);
      expect(byTech.rows.every((r) => r.technicianName === "Ada Tech")).toBe(true);
    });

    it("sorts by status, customer and updated in both directions", async () => {
      const byStatus = await listWorkItems(t.db, { sort: "status", dir: "asc", pageSize: 100 });
      const order = byStatus.rows.map((r) => statuses.indexOf(r.status));
      expect(order).toEqual([...order].sort((a, b) => a - b));
      const byStatusDesc = await listWorkItems(t.db, { sort: "status", dir: "desc", pageSize: 100 });
      expect(byStatusDesc.rows[0].status).toBe("closed");

      const byCustomer = await listWorkItems(t.db, { sort: "customer", dir: "desc", pageSize: 3 });
      expect(byCustomer.rows[0].customerName).toBe("Zoë O'Brien");

      const target = (await listWorkItems(t.db, { q: "RMA-000002" })).rows[0];
      await updateWorkItem(t.db, target.id, { revision: 1, title: "Touched last" }, ADA);
      const recent = await listWorkItems(t.db, { sort: "updated", dir: "desc", pageSize: 1 });
      expect(recent.rows[0].title).toBe("Touched last");
      const oldest = await listWorkItems(t.db, { sort: "updated", dir: "asc", pageSize: 12 });
      expect(oldest.rows.at(-1)?.title).toBe("Touched last");
    });
  });

  it("lists every non-banned user as an assignable technician", async () => {
    await t.db
      .insert(users)
      .values({ id: "user-x", name: "Xavier Gone", email: "x@fixed.test", role: "technician", banned: true });
    expect((await listTechnicians(t.db)).map((u) => u.name)).toEqual(["Ada Tech", "Bo Manager"]);
  });

  describe("tasks", () => {
    it("records task_created once and task_updated per save that changed something", async () => {
      const item = await create();
      const created = await createTask(t.db, item.row.id, "Order replacement screen", ADA);
      if (!created.ok) throw new Error("task create failed");
      expect(created.events.map((e) => e.id)).toEqual([`task-created-${created.row.id}`]);
      expect(created.events[0].snapshot).toMatchObject({
        id: created.row.id,
        title: "Order replacement screen",
        done: false,
        workItem: { reference: "RMA-000001", revision: 1 },
      });

      const renamed = await updateTask(t.db, created.row.id, { revision: 1, title: "Order OEM screen" }, ADA);
      const ticked = await updateTask(t.db, created.row.id, { revision: 2, done: true }, ADA);
      const unchanged = await updateTask(
        t.db,
        created.row.id,
        { revision: 3, done: true, title: "Order OEM screen" },
        ADA,
      );
      const stale = await updateTask(t.db, created.row.id, { revision: 1, done: false }, ADA);
      expect(renamed).toMatchObject({
        ok: true,
        changed: true,
        changes: { title: { from: "Order replacement screen", to: "Order OEM screen" } },
      });
      expect(ticked).toMatchObject({ ok: true, changed: true, changes: { done: { from: false, to: true } } });
      expect(unchanged).toMatchObject({ ok: true, changed: false });
      expect(stale).toMatchObject({ ok: false, reason: "stale", current: { revision: 3, done: true } });

      const taskEvents = await t.db
        .select()
        .from(changeEvents)
        .where(and(eq(changeEvents.subjectType, "task"), eq(changeEvents.subjectId, created.row.id)))
        .orderBy(changeEvents.revision);
      expect(taskEvents.map((e) => [e.eventType, e.revision])).toEqual([
        ["task_created", 1],
        ["task_updated", 2],
        ["task_updated", 3],
      ]);
      expect(taskEvents[2].snapshot).toMatchObject({
        done: true,
        revision: 3,
        workItem: { id: item.row.id },
      });

      const [task] = await listTasks(t.db, item.row.id);
      expect(task).toMatchObject({ title: "Order OEM screen", done: true, revision: 3 });
      expect((await getWorkItem(t.db, item.row.id))?.revision).toBe(1);
      expect((await eventsFor(item.row.id)).filter((e) => e.subjectType === "workitem")).toHaveLength(1);
    });

    it("refuses a task for a missing work item", async () => {
      expect(await createTask(t.db, 424242, "Nope", ADA)).toEqual({ ok: false, reason: "not_found" });
      const [{ count }] = await t.db.select({ count: sql<number>`count(*)::int` }).from(tasks);
      expect(count).toBe(0);
    });
  });

  it.skipIf(driver === "pglite")(
    "lets exactly one of two concurrent saves of the same revision win (PostgreSQL only: PGlite has one connection)",
    async () => {
      const item = await create();
      const a = openDatabase({ driver: "postgres", url: t.url!, max: 1 });
      const b = openDatabase({ driver: "postgres", url: t.url!, max: 1 });
      const observer = openDatabase({ driver: "postgres", url: t.url!, max: 1 });
      try {
        let releaseA!: () => void;
        const holdA = new Promise<void>((resolve) => {
          releaseA = resolve;
        });
        let aSaved!: () => void;
        const aHasSaved = new Promise<void>((resolve) => {
          aSaved = resolve;
        });
        // A saves inside an outer transaction that stays open, so its row lock is held while B starts.
        const saveA = a.db.transaction(async (tx) => {
          const result = await updateWorkItem(tx, item.row.id, { revision: 1, title: "Saved by A" }, ADA);
          aSaved();
          await holdA;
          return result;
        });
        await aHasSaved;
        const saveB = updateWorkItem(b.db, item.row.id, { revision: 1, title: "Saved by B" }, ADA);
        // B is blocked on A's row lock.
        await expect
          .poll(
            async () => {
              const rows = await observer.db.execute<{ n: number }>(
                sql`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`,
              );
              return Number((rows as unknown as { n: number }[])[0]?.n ?? 0);
            },
            { message: "B waiting on A's lock", timeout: 10_000, interval: 20 },
          )
          .toBeGreaterThan(0);
        releaseA();
        const [resultA, resultB] = await Promise.all([saveA, saveB]);
        expect(resultA).toMatchObject({ ok: true, changed: true });
        expect(resultB).toMatchObject({
          ok: false,
          reason: "stale",
          current: { revision: 2, title: "Saved by A" },
        });

        // And a plain race without choreography: still exactly one winner.
        const race = await Promise.all([
          updateWorkItem(a.db, item.row.id, { revision: 2, status: "resolved" }, ADA),
          updateWorkItem(b.db, item.row.id, { revision: 2, status: "closed" }, ADA),
        ]);
        expect(race.filter((r) => r.ok)).toHaveLength(1);
        expect(race.filter((r) => !r.ok && r.reason === "stale")).toHaveLength(1);

        const after = await getWorkItem(t.db, item.row.id);
        expect(after).toMatchObject({ revision: 3, title: "Saved by A" });
        const events = await eventsFor(item.row.id);
        expect(events.filter((e) => e.eventType === "workitem_updated")).toHaveLength(2);
        expect(events.filter((e) => e.eventType === "workitem_status_changed")).toHaveLength(1);
        expect(events.find((e) => e.revision === 2)?.changes).toEqual({
          title: { from: baseInput.title, to: "Saved by A" },
        });
        expect(events.find((e) => e.eventType === "workitem_status_changed")?.snapshot.status).toBe(
          after?.status,
        );
      } finally {
        await Promise.all([a.close(), b.close(), observer.close()]);
      }
    },
  );
});
