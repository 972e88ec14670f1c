import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { integrationSyncs, tasks } from "@/db/schema";
import { listSyncCountsByObject, listSyncs } from "@/server/syncs/explorer";
import { explorerQuery, parseExplorerParams, parseObjectFilter } from "@/server/syncs/explorer-params";
import { createTestDb, DRIVERS, type TestDb } from "../support/db";
import { insertIntegrations, insertSyncs, insertWorkItems } from "./explorer-fixtures";

describe("explorer URL state", () => {
  it("round-trips filters, sort and page through the query string and drops junk", () => {
    const params = parseExplorerParams(
      new URLSearchParams(
        "object=RMA-000002&integration=3&event=task_updated&status=failed&status=bogus&from=2025-01-02&to=nope&sort=attempts&dir=asc&page=2&pageSize=50",
      ),
    );
    expect(params).toMatchObject({
      object: "RMA-000002",
      integrationId: 3,
      eventType: "task_updated",
      status: ["failed"],
      from: "2025-01-02",
      to: null,
      sort: "attempts",
      dir: "asc",
      page: 2,
      pageSize: 50,
    });
    expect(parseExplorerParams(new URLSearchParams(explorerQuery(params).slice(1)))).toEqual(params);
    expect(explorerQuery({})).toBe("");
  });

  it("drops an integration filter that is not an integration id (never sent to the database)", () => {
    for (const integration of ["99999999999", "2147483648", "0", "-1", "1e3", "abc", ""]) {
      expect(parseExplorerParams(new URLSearchParams({ integration })).integrationId, integration).toBeNull();
    }
    expect(parseExplorerParams(new URLSearchParams({ integration: "2147483647" })).integrationId).toBe(
      2_147_483_647,
    );
  });

  it("reads references, bare numbers and typed objects", () => {
    expect(parseObjectFilter("rma-000012")).toEqual({ kind: "reference", reference: "RMA-000012" });
    expect(parseObjectFilter("12")).toEqual({ kind: "reference", reference: "RMA-000012" });
    expect(parseObjectFilter("task:45")).toEqual({ kind: "object", subjectType: "task", subjectId: 45 });
    expect(parseObjectFilter("workitem 7")).toEqual({
      kind: "object",
      subjectType: "workitem",
      subjectId: 7,
    });
    expect(parseObjectFilter("hello")).toEqual({ kind: "invalid" });
    expect(parseObjectFilter("  ")).toBeNull();
  });
});

describe.each(DRIVERS)("sync explorer on %s", (driver) => {
  let t: TestDb;
  let items: number[];
  let n8n: number;
  let slack: number;
  let taskId: number;

  beforeAll(async () => {
    t = await createTestDb(driver);
  });
  afterAll(async () => t?.close());
  beforeEach(async () => {
    await t.reset();
    const [a, b] = await insertIntegrations(t.db, ["n8n", "slack"]);
    n8n = a.id;
    slack = b.id;
    items = await insertWorkItems(t.db, 3);
    const [task] = await t.db.insert(tasks).values({ workItemId: items[1], title: "T" }).returning();
    taskId = task.id;
    // Item 1: 30 synced to n8n (newest), 5 failed to slack 2 days ago.
    await insertSyncs(t.db, { workItemId: items[0], integrationId: n8n, count: 30, status: "synced" });
    await insertSyncs(t.db, {
      workItemId: items[0],
      integrationId: slack,
      count: 5,
      status: "failed",
      startMinutesAgo: 2 * 24 * 60,
    });
    // Item 2: 4 pending task updates, 2 synced status changes of the item.
    await insertSyncs(t.db, {
      workItemId: items[1],
      integrationId: n8n,
      count: 4,
      status: "pending",
      eventType: "task_updated",
      subjectType: "task",
      subjectId: taskId,
      startMinutesAgo: 100,
    });
    await insertSyncs(t.db, {
      workItemId: items[1],
      integrationId: slack,
      count: 2,
      status: "synced",
      eventType: "workitem_status_changed",
      startMinutesAgo: 200,
      durationMs: 900,
    });
  });

  it("pages newest first with the total", async () => {
    const first = await listSyncs(t.db, { pageSize: 25 });
    expect(first.total).toBe(41);
    expect(first.rows).toHaveLength(25);
    const second = await listSyncs(t.db, { pageSize: 25, page: 2 });
    expect(second.rows).toHaveLength(16);
    const all = [...first.rows, ...second.rows];
    expect(new Set(all.map((r) => r.id)).size).toBe(41);
    const times = all.map((r) => r.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect(first.rows[0]).toMatchObject({
      reference: "RMA-000001",
      integrationName: "n8n",
      status: "synced",
    });
  });

  it("filters by work item reference, object, integration, event type, status and dates", async () => {
    expect((await listSyncs(t.db, { object: "RMA-000001" })).total).toBe(35);
    expect((await listSyncs(t.db, { object: "2" })).total).toBe(6);
    expect((await listSyncs(t.db, { object: `task:${taskId}` })).total).toBe(4);
    expect((await listSyncs(t.db, { object: `workitem:${items[1]}` })).total).toBe(2);
    expect((await listSyncs(t.db, { object: "RMA-009999" })).total).toBe(0);
    expect((await listSyncs(t.db, { object: "nonsense" })).total).toBe(0);
    expect((await listSyncs(t.db, { integrationId: slack })).total).toBe(7);
    expect((await listSyncs(t.db, { eventType: "task_updated" })).total).toBe(4);
    expect((await listSyncs(t.db, { status: ["failed", "pending"] })).total).toBe(9);
    expect((await listSyncs(t.db, { integrationId: n8n, status: ["pending"] })).total).toBe(4);
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const older = await listSyncs(t.db, { to: day(-2) });
    expect(older.rows.every((r) => r.status === "failed")).toBe(true);
    expect((await listSyncs(t.db, { from: day(-1) })).total).toBe(36);
  });

  it("reads the day filters as days in the viewer's zone, not the database's", async () => {
    // 23:30 UTC on 3 Dec (a year no other sync is in) is 00:30 on 4 Dec in Berlin and 13:30 on 3 Dec in Honolulu.
    const [{ id }] = await t.db
      .update(integrationSyncs)
      .set({ createdAt: new Date("2020-12-03T23:30:00Z") })
      .where(eq(integrationSyncs.id, sql`(select min(id) from integration_syncs)`))
      .returning({ id: integrationSyncs.id });
    const ids = async (day: string, zone: string) =>
      (await listSyncs(t.db, { from: day, to: day }, zone)).rows.map((r) => r.id);
    expect(await ids("2020-12-04", "Europe/Berlin")).toEqual([id]);
    expect(await ids("2020-12-03", "Europe/Berlin")).toEqual([]);
    expect(await ids("2020-12-03", "UTC")).toEqual([id]);
    expect(await ids("2020-12-03", "Pacific/Honolulu")).toEqual([id]);
    expect(await ids("2020-12-04", "UTC")).toEqual([]);
    expect(
      (await listSyncCountsByObject(t.db, { from: "2020-12-04", to: "2020-12-04" }, "Europe/Berlin")).total,
    ).toBe(1);
  });

  it("sorts by attempts, latency and status in either direction", async () => {
    const slow = await listSyncs(t.db, { sort: "latency", dir: "desc", pageSize: 25 });
    expect(slow.rows.slice(0, 2).map((r) => r.lastDurationMs)).toEqual([900, 900]);
    const fast = await listSyncs(t.db, { sort: "latency", dir: "asc", pageSize: 100 });
    expect(fast.rows.at(-1)?.lastDurationMs).toBeNull();
    const byAttempts = await listSyncs(t.db, { sort: "attempts", dir: "asc" });
    expect(byAttempts.rows[0].attemptCount).toBe(0);
    const byStatus = await listSyncs(t.db, { sort: "status", dir: "asc", pageSize: 100 });
    expect(byStatus.rows[0].status).toBe("pending");
    expect(byStatus.rows.at(-1)?.status).toBe("failed");
  });

  it("counts syncs per work item, most first, with the same filters", async () => {
    const page = await listSyncCountsByObject(t.db, {});
    expect(page.total).toBe(2);
    expect(page.rows.map((r) => [r.reference, r.total, r.synced, r.failed, r.pending])).toEqual([
      ["RMA-000001", 35, 30, 5, 0],
      ["RMA-000002", 6, 2, 0, 4],
    ]);
    expect(Date.parse(page.rows[0].lastSyncAt)).toBeGreaterThan(Date.now() - 5 * 60_000);
    const onlySlack = await listSyncCountsByObject(t.db, { integrationId: slack });
    expect(onlySlack.rows.map((r) => [r.reference, r.total])).toEqual([
      ["RMA-000001", 5],
      ["RMA-000002", 2],
    ]);
  });
});
