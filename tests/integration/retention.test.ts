import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  CHANGE_EVENT_TYPES,
  CREATION_EVENT_TYPES,
  changeEvents,
  integrationSyncs,
  integrations,
  syncAttempts,
} from "@/db/schema";
import { createTask, updateTask } from "@/server/work-items/tasks";
import { createWorkItem, updateWorkItem } from "@/server/work-items/work-items";
import { DRIVERS } from "../support/db";
import { type Pipeline, startPipeline, waitForEventRunsToFinish } from "../support/pipeline";
import { startReceiver, type TestReceiver, waitUntil } from "../support/receiver";

const ACTOR = { id: "user-test", name: "Tess Technician" };
const WAIT = { timeoutMs: 20_000 };
const ITEM = {
  title: "Water damage",
  description: "",
  customerName: "Rita Tension",
  customerEmail: null,
  customerPhone: null,
  device: "Galaxy S22",
  serialNumber: null,
  status: "new" as const,
  priority: "normal" as const,
  priceCents: 8000,
  technicianId: null,
};
const RETENTION_DAYS = 90;

describe.each(DRIVERS)("retention on %s", (driver) => {
  let p: Pipeline;
  let receiver: TestReceiver;

  beforeAll(async () => {
    p = await startPipeline(driver);
  });
  afterAll(async () => {
    await p?.close();
  });
  afterEach(async () => {
    await p.clearIntegrations();
    await receiver?.close();
  });

  it("keeps the creation ledger: a creation event re-sent or re-fanned after the prune delivers nothing", async () => {
    const db = p.db.db;
    const ops = await import("@/server/integrations/operations");
    const { dispatchChangeEvents } = await import("@/server/deliveries/outbox");
    const { pruneSyncedSyncs } = await import("@/server/deliveries/retention");
    const { fanOutMany } = await import("@/server/deliveries/fan-out");
    const { listUnfannedChangeEvents, resendSync } = await import("@/server/deliveries/recovery");
    receiver = await startReceiver();
    const created = await ops.createIntegration(
      {
        name: `ledger-${driver}`,
        url: receiver.urlFor("/hook"),
        eventTypes: [...CHANGE_EVENT_TYPES],
        headerName: null,
        headerValue: null,
      },
      db,
    );
    if (!created.ok) throw new Error(created.message);
    const integrationId = created.data.integration.id;

    const item = await createWorkItem(db, ITEM, ACTOR);
    if (!item.ok) throw new Error(item.reason);
    await dispatchChangeEvents(item.events, db);
    const saved = await updateWorkItem(db, item.row.id, { revision: 1, description: "Dried out" }, ACTOR);
    if (!saved.ok || !saved.changed) throw new Error("not saved");
    await dispatchChangeEvents(saved.events, db);
    const task = await createTask(db, item.row.id, "Replace board", ACTOR);
    if (!task.ok) throw new Error("task not created");
    await dispatchChangeEvents(task.events, db);
    const done = await updateTask(db, task.row.id, { revision: 1, done: true }, ACTOR);
    if (!done.ok || !done.changed) throw new Error("task not updated");
    await dispatchChangeEvents(done.events, db);
    await receiver.waitForRequests(4, WAIT);
    const before = await waitUntil(async () => {
      const rows = await db.select().from(integrationSyncs).orderBy(asc(integrationSyncs.id));
      return rows.length === 4 && rows.every((s) => s.status === "synced") ? rows : null;
    }, WAIT);

    // A second item saved today: retention must not touch it.
    const fresh = await createWorkItem(db, { ...ITEM, title: "Fresh" }, ACTOR);
    if (!fresh.ok) throw new Error(fresh.reason);
    await dispatchChangeEvents(fresh.events, db);
    await receiver.waitForRequests(5, WAIT);
    await waitUntil(async () => {
      const [row] = await db
        .select()
        .from(integrationSyncs)
        .where(eq(integrationSyncs.workItemId, fresh.row.id));
      return row?.status === "synced";
    }, WAIT);

    // Back-date the first item's syncs past the retention.
    const oldIds = before.map((s) => s.id);
    await db
      .update(integrationSyncs)
      .set({ createdAt: sql`now() - interval '120 days'`, completedAt: sql`now() - interval '120 days'` })
      .where(inArray(integrationSyncs.id, oldIds));
    await db
      .update(changeEvents)
      .set({ createdAt: sql`now() - interval '120 days'` })
      .where(eq(changeEvents.workItemId, item.row.id));

    expect(await pruneSyncedSyncs(db, RETENTION_DAYS, 1)).toEqual({ deleted: 2, ledgered: 2 });
    const kept = await db.select().from(integrationSyncs).orderBy(asc(integrationSyncs.id));
    const ledger = kept.filter((s) => oldIds.includes(s.id));
    expect(ledger.map((s) => s.eventType).sort()).toEqual([...CREATION_EVENT_TYPES].sort());
    for (const row of ledger) {
      const original = before.find((s) => s.id === row.id)!;
      expect(row.status).toBe("synced");
      expect(row.webhookId).toBe(original.webhookId);
      expect(row.completedAt).not.toBeNull();
      expect(row.prunedAt).not.toBeNull();
      expect(row.payload).toEqual({});
    }
    expect(await db.select().from(syncAttempts).where(inArray(syncAttempts.syncId, oldIds))).toEqual([]);
    // The fresh item's creation sync keeps its payload and attempt.
    const freshSync = kept.find((s) => s.workItemId === fresh.row.id)!;
    expect(freshSync.prunedAt).toBeNull();
    expect(freshSync.payload).not.toEqual({});
    expect(await db.select().from(syncAttempts).where(eq(syncAttempts.syncId, freshSync.id))).toHaveLength(1);
    // A second prune finds nothing more to do.
    expect(await pruneSyncedSyncs(db, RETENTION_DAYS)).toEqual({ deleted: 0, ledgered: 0 });

    // Re-fanned by hand and by the recovery's query: nothing is created, nothing is sent.
    const creations = await db
      .select()
      .from(changeEvents)
      .where(
        and(
          eq(changeEvents.workItemId, item.row.id),
          inArray(changeEvents.eventType, [...CREATION_EVENT_TYPES]),
        ),
      );
    expect(creations).toHaveLength(2);
    for (const event of creations) {
      const result = await fanOutMany(db, [event.id], `refan-${event.id}`);
      expect(result.synced).toBe(0);
      expect(result.requests).toEqual([]);
    }
    await db
      .update(changeEvents)
      .set({ createdAt: sql`now() - interval '11 minutes'` })
      .where(
        inArray(
          changeEvents.id,
          creations.map((e) => e.id),
        ),
      );
    expect(await listUnfannedChangeEvents(db, { minutes: 10 })).toEqual([]);

    // Re-sent through the engine under new event ids (past its 24 h dedupe): every run finishes, nothing posts.
    const ids: string[] = [];
    for (const event of creations) {
      const res = await fetch(`${p.engineUrl}/e/key`, {
        method: "POST",
        body: JSON.stringify({
          name: event.eventType === "task_created" ? "repairs/task.created" : "repairs/workitem.created",
          id: `resent-after-retention-${event.id}`,
          data: {
            changeEventId: event.id,
            eventType: event.eventType,
            workItemId: item.row.id,
            reference: item.row.reference,
            subjectType: event.subjectType,
            subjectId: event.subjectId,
            revision: event.revision,
          },
        }),
      });
      expect(res.status).toBe(200);
      ids.push(...((await res.json()) as { ids: string[] }).ids);
    }
    const runs = await waitForEventRunsToFinish(p.engineUrl, ids, WAIT);
    expect(runs.filter((r) => r.function_id.endsWith("fan-out-change-event"))).toHaveLength(2);
    expect(runs.map((r) => r.status)).toEqual(runs.map(() => "Completed"));
    expect(receiver.requests).toHaveLength(5);
    const after = await db
      .select()
      .from(integrationSyncs)
      .where(eq(integrationSyncs.integrationId, integrationId))
      .orderBy(asc(integrationSyncs.id));
    expect(after.map((s) => s.id)).toEqual(kept.map((s) => s.id));

    // A manager cannot resend a ledger row: its payload is gone.
    const refused = await resendSync(ledger[0].id, db);
    expect(refused).toEqual({ ok: false, message: expect.stringMatching(/retention/) });
    const [still] = await db.select().from(integrationSyncs).where(eq(integrationSyncs.id, ledger[0].id));
    expect(still.status).toBe("synced");
  });

  it("leaves failed and pending syncs alone, however old", async () => {
    const db = p.db.db;
    const { pruneSyncedSyncs } = await import("@/server/deliveries/retention");
    const { createSyncsForChangeEvent, getChangeEventWithReference } = await import(
      "@/server/deliveries/fan-out"
    );
    receiver = await startReceiver();
    const [integration] = await db
      .insert(integrations)
      .values({
        name: `quiet-${driver}`,
        url: receiver.urlFor("/hook"),
        eventTypes: [...CHANGE_EVENT_TYPES],
        secret: "whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0dGVzdHRlc3Q=",
        active: false,
      })
      .returning();
    const item = await createWorkItem(db, ITEM, ACTOR);
    if (!item.ok) throw new Error(item.reason);
    const saved = await updateWorkItem(db, item.row.id, { revision: 1, description: "x" }, ACTOR);
    if (!saved.ok || !saved.changed) throw new Error("not saved");
    for (const event of [...item.events, ...saved.events]) {
      const change = await getChangeEventWithReference(db, event.id);
      await createSyncsForChangeEvent(db, change!, [integration]);
    }
    const rows = await db.select().from(integrationSyncs).orderBy(asc(integrationSyncs.id));
    expect(rows).toHaveLength(2);
    await db
      .update(integrationSyncs)
      .set({ status: "failed", createdAt: sql`now() - interval '400 days'` })
      .where(eq(integrationSyncs.id, rows[0].id));
    await db
      .update(integrationSyncs)
      .set({ createdAt: sql`now() - interval '400 days'` })
      .where(eq(integrationSyncs.id, rows[1].id));
    expect(await pruneSyncedSyncs(db, RETENTION_DAYS)).toEqual({ deleted: 0, ledgered: 0 });
    const after = await db.select().from(integrationSyncs).orderBy(asc(integrationSyncs.id));
    expect(after.map((s) => [s.status, s.prunedAt])).toEqual([
      ["failed", null],
      ["pending", null],
    ]);
  });
});
