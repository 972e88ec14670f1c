import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { describeChanges } from "@/components/syncs/change-words";
import { type ChangeEvent, changeEvents, type Integration, integrations, users } from "@/db/schema";
import { markSyncFailed, recordAttempt } from "@/server/deliveries/attempt";
import { createSyncsForChangeEvent } from "@/server/deliveries/fan-out";
import { getSyncDetail, listTimeline } from "@/server/syncs/timeline";
import { createTask, updateTask } from "@/server/work-items/tasks";
import { workItemCreateSchema } from "@/server/work-items/validation";
import { type Actor, createWorkItem, updateWorkItem } from "@/server/work-items/work-items";
import { createTestDb, DRIVERS, type TestDb } from "../support/db";

const TESS: Actor = { id: "user-tess", name: "Tess Technician" };

const baseInput = workItemCreateSchema.parse({
  title: "Replace cracked screen",
  customerName: "Maria Keller",
  device: "iPhone 14 Pro",
  price: "120.00",
});

describe("words for diffs", () => {
  it("labels fields and enum values and prints prices from cents", () => {
    const lines = describeChanges(
      {
        title: { from: "Old", to: "New title" },
        priceCents: { from: 12000, to: 9500 },
        status: { from: "new", to: "in_progress" },
        technicianId: { from: null, to: "user-tess" },
      },
      { userNames: { "user-tess": "Tess Technician" } },
    ).map((l) => l.text);
    expect(lines).toEqual([
      "Status: New → In progress",
      "Price: 120.00 → 95.00",
      "Technician: Unassigned → Tess Technician",
      "Title: Old → New title",
    ]);
  });

  it("shows empty values, task completion and shortens long text", () => {
    const lines = describeChanges({
      done: { from: false, to: true },
      priceCents: { from: null, to: 5 },
      description: { from: "", to: "x".repeat(100) },
      waiting_reason: { from: "a", to: "b" },
    }).map((l) => l.text);
    expect(lines).toEqual([
      "Price: — → 0.05",
      "Done: No → Yes",
      `Description: — → ${"x".repeat(59)}…`,
      "Waiting reason: a → b",
    ]);
  });
});

describe.each(DRIVERS)("sync timeline on %s", (driver) => {
  let t: TestDb;
  let hook: Integration;
  let slack: Integration;

  beforeAll(async () => {
    t = await createTestDb(driver);
  });
  afterAll(async () => t?.close());
  beforeEach(async () => {
    await t.reset();
    await t.db.insert(users).values({ id: "user-tess", name: "Tess Technician", email: "t@f.test" });
    [hook, slack] = await t.db
      .insert(integrations)
      .values([
        {
          name: "n8n",
          url: "https://n8n.example/webhook/x",
          eventTypes: [
            "workitem_created",
            "workitem_updated",
            "workitem_status_changed",
            "task_created",
            "task_updated",
          ],
          secret: "whsec_a",
          createdAt: new Date(Date.now() - 86_400_000),
        },
        {
          name: "slack",
          url: "https://slack.example/hook",
          eventTypes: ["workitem_status_changed"],
          secret: "whsec_b",
          createdAt: new Date(Date.now() - 86_400_000),
        },
      ])
      .returning();
  });

  async function fanOut(events: ChangeEvent[]) {
    for (const event of events) {
      const subscribers = [hook, slack].filter((i) => i.eventTypes.includes(event.eventType));
      await createSyncsForChangeEvent(t.db, event, subscribers);
    }
  }

  async function scenario() {
    const created = await createWorkItem(t.db, baseInput, TESS);
    if (!created.ok) throw new Error("create failed");
    await fanOut(created.events);
    const saved = await updateWorkItem(
      t.db,
      created.row.id,
      { revision: 1, status: "in_progress", priceCents: 9500, technicianId: "user-tess" },
      TESS,
    );
    if (!saved.ok || !saved.changed) throw new Error("save failed");
    await fanOut(saved.events);
    const task = await createTask(t.db, created.row.id, "Order OEM display", TESS);
    if (!task.ok) throw new Error("task failed");
    await fanOut(task.events);
    const done = await updateTask(t.db, task.row.id, { revision: 1, done: true }, TESS);
    if (!done.ok || !done.changed) throw new Error("task save failed");
    await fanOut(done.events);
    return { item: created.row, taskId: task.row.id, doneEvents: done.events, saveEvents: saved.events };
  }

  it("groups one save's events into one entry with one row per integration and event, newest first", async () => {
    const { item } = await scenario();
    const page = await listTimeline(t.db, item.id);
    expect(page.entries.map((e) => [e.subjectType, e.eventTypes])).toEqual([
      ["task", ["task_updated"]],
      ["task", ["task_created"]],
      ["workitem", ["workitem_updated", "workitem_status_changed"]],
      ["workitem", ["workitem_created"]],
    ]);
    const save = page.entries[2];
    expect(save.actorName).toBe("Tess Technician");
    expect(save.syncs.map((s) => [s.integrationName, s.eventType, s.status])).toEqual([
      ["n8n", "workitem_updated", "pending"],
      ["n8n", "workitem_status_changed", "pending"],
      ["slack", "workitem_status_changed", "pending"],
    ]);
    expect(describeChanges(save.changes, { userNames: page.userNames }).map((l) => l.text)).toEqual([
      "Status: New → In progress",
      "Price: 120.00 → 95.00",
      "Technician: Unassigned → Tess Technician",
    ]);
    expect(page.entries[0].subjectTitle).toBe("Order OEM display");
    expect(page.nextCursor).toBeNull();
    expect(page.pending).toBe(true);
  });

  it("technicians see no query strings or auth-like response headers; managers and admins see them redacted", async () => {
    const { item } = await scenario();
    const url = "https://user:pw@n8n.example/webhook/x?token=abc123&env=prod#frag";
    await t.db.update(integrations).set({ url }).where(eq(integrations.id, hook.id));
    const all = await t.db.execute(
      sql`select id from integration_syncs where integration_id = ${hook.id} order by id`,
    );
    const [syncId] = (Array.isArray(all) ? all : (all as { rows: { id: number }[] }).rows).map((r) =>
      Number(r.id),
    );
    const redirect =
      "HTTP 302 Found to https://login.example/sso?session=s3cr3t (redirects are not followed)";
    await recordAttempt(t.db, {
      syncId,
      trigger: "automatic",
      requestUrl: url,
      requestHeaders: { "webhook-signature": "[redacted]" },
      responseStatus: 302,
      responseHeaders: {
        "content-type": "text/html",
        location: "https://login.example/sso?session=s3cr3t",
        "set-cookie": "sid=cookie-value; HttpOnly",
        "x-auth-token": "token-value",
        authorization: "Bearer bearer-value",
        "x-session-id": "session-value",
      },
      responseBody: "",
      durationMs: 5,
      errorKind: "redirect",
      errorMessage: redirect,
      succeeded: false,
    });
    await markSyncFailed(t.db, syncId, redirect);
    const secrets = [
      "abc123",
      "prod",
      "pw@",
      "frag",
      "s3cr3t",
      "cookie-value",
      "token-value",
      "bearer-value",
      "session-value",
    ];

    const seen = await getSyncDetail(t.db, syncId, "technician");
    expect(seen?.integrationUrl).toBe("https://n8n.example/webhook/x");
    expect(seen?.attempts[0].requestUrl).toBe("https://n8n.example/webhook/x");
    expect(seen?.attempts[0].responseHeaders).toEqual({
      "content-type": "text/html",
      location: "https://login.example/sso",
    });
    expect(seen?.attempts[0].errorMessage).toBe(
      "HTTP 302 Found to https://login.example/sso (redirects are not followed)",
    );
    const timeline = await listTimeline(t.db, item.id, { viewer: "technician" });
    const lastErrors = timeline.entries.flatMap((e) => e.syncs.map((s) => s.lastError)).filter(Boolean);
    expect(lastErrors).toEqual([seen?.attempts[0].errorMessage]);
    for (const secret of secrets) {
      expect(JSON.stringify(seen)).not.toContain(secret);
      expect(JSON.stringify(timeline)).not.toContain(secret);
    }

    for (const role of ["manager", "admin"] as const) {
      const detail = await getSyncDetail(t.db, syncId, role);
      expect(detail?.integrationUrl).toBe(
        "https://user:[redacted]@n8n.example/webhook/x?token=[redacted]&env=[redacted]",
      );
      expect(detail?.attempts[0].requestUrl).toBe(detail?.integrationUrl);
      expect(detail?.attempts[0].responseHeaders).toEqual({
        "content-type": "text/html",
        location: "https://login.example/sso?session=[redacted]",
        "set-cookie": "[redacted]",
        "x-auth-token": "[redacted]",
        authorization: "[redacted]",
        "x-session-id": "[redacted]",
      });
      expect(detail?.lastError).toBe(
        "HTTP 302 Found to https://login.example/sso?session=[redacted] (redirects are not followed)",
      );
      for (const secret of secrets) expect(JSON.stringify(detail)).not.toContain(secret);
    }
  });

  it("shows attempts, last response and latency, and stops being pending once everything settled", async () => {
    const { item } = await scenario();
    const all = await t.db.execute(sql`select id from integration_syncs order by id`);
    const ids = (Array.isArray(all) ? all : (all as { rows: { id: number }[] }).rows).map((r) =>
      Number(r.id),
    );
    for (const id of ids) {
      await recordAttempt(t.db, {
        syncId: id,
        trigger: "automatic",
        requestUrl: "https://n8n.example/webhook/x",
        requestHeaders: { "webhook-signature": "[redacted]" },
        responseStatus: 500,
        responseHeaders: { "content-type": "text/plain" },
        responseBody: "boom",
        durationMs: 40,
        errorKind: "http",
        errorMessage: "HTTP 500",
        succeeded: false,
      });
    }
    const [first, ...rest] = ids;
    await recordAttempt(t.db, {
      syncId: first,
      trigger: "automatic",
      requestUrl: "https://n8n.example/webhook/x",
      requestHeaders: {},
      responseStatus: 200,
      responseHeaders: {},
      responseBody: "ok",
      durationMs: 12,
      errorKind: null,
      errorMessage: null,
      succeeded: true,
    });
    for (const id of rest) await markSyncFailed(t.db, id, "HTTP 500");

    const page = await listTimeline(t.db, item.id);
    expect(page.pending).toBe(false);
    const created = page.entries.at(-1)!;
    expect(created.syncs[0]).toMatchObject({
      status: "synced",
      attemptCount: 2,
      lastStatusCode: 200,
      lastDurationMs: 12,
    });
    const detail = await getSyncDetail(t.db, first, "manager");
    expect(detail?.attempts.map((a) => [a.number, a.responseStatus, a.responseBody])).toEqual([
      [1, 500, "boom"],
      [2, 200, "ok"],
    ]);
    expect(detail?.attempts[0].requestHeaders).toEqual({ "webhook-signature": "[redacted]" });
    expect(detail).toMatchObject({
      reference: item.reference,
      payload: { id: `workitem-created-${item.id}` },
    });
  });

  it("shows subscribed integrations as pending before the fan-out created their rows", async () => {
    const created = await createWorkItem(t.db, baseInput, TESS);
    if (!created.ok) throw new Error("create failed");
    const page = await listTimeline(t.db, created.row.id);
    expect(page.entries[0].syncs).toMatchObject([{ id: null, integrationName: "n8n", status: "pending" }]);
    expect(page.pending).toBe(true);
  });

  it("pages with a keyset cursor without splitting or repeating a save", async () => {
    const created = await createWorkItem(t.db, baseInput, TESS);
    if (!created.ok) throw new Error("create failed");
    let revision = 1;
    const statuses = ["in_progress", "waiting_parts"] as const;
    for (let i = 0; i < 24; i++) {
      const saved = await updateWorkItem(
        t.db,
        created.row.id,
        { revision, title: `Title ${i}`, ...(i % 5 === 0 ? { status: statuses[(i / 5) % 2] } : {}) },
        TESS,
      );
      if (!saved.ok || !saved.changed) throw new Error("save failed");
      revision = saved.row.revision;
    }
    const total = await t.db.select({ n: sql<number>`count(*)::int` }).from(changeEvents);
    const seen: string[] = [];
    let before: string | null = null;
    let pages = 0;
    let statusSaves = 0;
    do {
      const page = await listTimeline(t.db, created.row.id, { before, limit: 7 });
      for (const e of page.entries) seen.push(...e.changeEventIds);
      for (const e of page.entries) {
        if (!e.changes.status) continue;
        statusSaves++;
        expect(e.eventTypes).toEqual(["workitem_updated", "workitem_status_changed"]);
      }
      before = page.nextCursor;
      pages++;
    } while (before && pages < 20);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(total[0].n);
    expect(pages).toBeGreaterThan(3);
    // The five saves that changed the status (i = 0, 5, 10, 15, 20), each whole on one page.
    expect(statusSaves).toBe(5);
    const [{ revision: newest }] = await t.db
      .select({ revision: changeEvents.revision })
      .from(changeEvents)
      .where(eq(changeEvents.id, seen[0]));
    expect(newest).toBe(revision);
  });
});
