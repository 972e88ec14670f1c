import { and, asc, eq, sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import {
  CHANGE_EVENT_TYPES,
  type ChangeEvent,
  changeEvents,
  integrationSyncs,
  integrations,
  syncAttempts,
} from "@/db/schema";
import { createTask, updateTask } from "@/server/work-items/tasks";
import { createWorkItem, updateWorkItem } from "@/server/work-items/work-items";
import { DRIVERS } from "../support/db";
import {
  type Pipeline,
  recordSentEvents,
  startPipeline,
  waitForEventRunsToFinish,
} from "../support/pipeline";
import {
  closedPort,
  type ReceivedRequest,
  startReceiver,
  type TestReceiver,
  waitUntil,
} from "../support/receiver";
import { ACTOR, ITEM } from "../support/work-item-fixture";

const WAIT = { timeoutMs: 20_000 };

type Ops = typeof import("@/server/integrations/operations");
type Dispatch = typeof import("@/server/deliveries/outbox");

describe.each(DRIVERS)("webhook delivery on %s", (driver) => {
  let p: Pipeline;
  let ops: Ops;
  let dispatch: Dispatch;
  let receiver: TestReceiver;
  let counter = 0;

  beforeAll(async () => {
    p = await startPipeline(driver);
    ops = await import("@/server/integrations/operations");
    dispatch = await import("@/server/deliveries/outbox");
  });
  afterAll(async () => {
    await p?.close();
  });
  afterEach(async () => {
    // Deleting the integrations (and their syncs) keeps one test's receiver out of the next test.
    await p.clearIntegrations();
    await receiver?.close();
  });

  async function integrationFor(url: string, extra: { headerName?: string; headerValue?: string } = {}) {
    const result = await ops.createIntegration(
      {
        name: `n8n-${driver}-${++counter}`,
        url,
        eventTypes: [...CHANGE_EVENT_TYPES],
        headerName: extra.headerName ?? null,
        headerValue: extra.headerValue ?? null,
      },
      p.db.db,
    );
    if (!result.ok) throw new Error(result.message);
    return result.data;
  }

  /** Waits for `n` webhooks; on a timeout the error also says where every change event got to. */
  async function deliveries(n: number, options: { timeoutMs: number }) {
    try {
      return await receiver.waitForRequests(n, options);
    } catch (error) {
      const events = await p.db.db
        .select({
          id: changeEvents.id,
          type: changeEvents.eventType,
          dispatchedAt: changeEvents.dispatchedAt,
        })
        .from(changeEvents)
        .orderBy(asc(changeEvents.createdAt));
      const syncs = await p.db.db
        .select({
          changeEventId: integrationSyncs.changeEventId,
          status: integrationSyncs.status,
          attempts: integrationSyncs.attemptCount,
          lastError: integrationSyncs.lastError,
        })
        .from(integrationSyncs);
      throw new Error(
        `${(error as Error).message}\nchange events: ${JSON.stringify(events.slice(-8))}\nsyncs: ${JSON.stringify(syncs)}`,
      );
    }
  }

  async function send(events: ChangeEvent[]) {
    await dispatch.dispatchChangeEvents(events, p.db.db);
  }

  async function newItem() {
    const created = await createWorkItem(p.db.db, ITEM, ACTOR);
    if (!created.ok) throw new Error(created.reason);
    await send(created.events);
    return created.row;
  }

  async function save(id: number, revision: number, fields: Record<string, unknown>) {
    const result = await updateWorkItem(p.db.db, id, { revision, ...fields }, ACTOR);
    if (!result.ok || !result.changed)
      throw new Error(`save did not change anything: ${JSON.stringify(result)}`);
    await send(result.events);
    return result.row;
  }

  const typesOf = (requests: readonly ReceivedRequest[]) =>
    requests.map((r) => (r.json as { type: string }).type).sort();

  async function syncsOf(workItemId: number) {
    return p.db.db
      .select()
      .from(integrationSyncs)
      .where(eq(integrationSyncs.workItemId, workItemId))
      .orderBy(asc(integrationSyncs.id));
  }

  async function attemptsOf(syncId: number) {
    return p.db.db
      .select()
      .from(syncAttempts)
      .where(eq(syncAttempts.syncId, syncId))
      .orderBy(asc(syncAttempts.number));
  }

  it("delivers creation once and every update, each signed", async () => {
    receiver = await startReceiver();
    const { secret } = await integrationFor(receiver.urlFor("/webhook/work-items"));
    const item = await newItem();
    const r2 = await save(item.id, 1, { description: "Screen replaced" });
    await save(item.id, r2.revision, { status: "in_progress" });

    const requests = await deliveries(4, WAIT);
    expect(typesOf(requests)).toEqual([
      "workitem_created",
      "workitem_status_changed",
      "workitem_updated",
      "workitem_updated",
    ]);
    const verifier = new Webhook(secret);
    for (const request of requests) {
      expect(() => verifier.verify(request.rawBody, request.headers)).not.toThrow();
      expect((request.json as { work_item: { reference: string } }).work_item.reference).toBe(item.reference);
    }
    const statusChange = requests.find(
      (r) => (r.json as { type: string }).type === "workitem_status_changed",
    );
    expect((statusChange!.json as { changes: unknown }).changes).toEqual({
      status: { from: "new", to: "in_progress" },
    });

    // By hand, under a new event id (past the engine's 24 h dedupe): the database still says "once".
    const [created] = await p.db.db
      .select()
      .from(changeEvents)
      .where(and(eq(changeEvents.workItemId, item.id), eq(changeEvents.eventType, "workitem_created")));
    const res = await fetch(`${p.engineUrl}/e/key`, {
      method: "POST",
      body: JSON.stringify({
        name: "repairs/workitem.created",
        id: `manual-resend-${item.id}`,
        data: {
          changeEventId: created.id,
          eventType: "workitem_created",
          workItemId: item.id,
          reference: item.reference,
          subjectType: "workitem",
          subjectId: item.id,
          revision: 1,
        },
      }),
    });
    expect(res.status).toBe(200);
    const { ids } = (await res.json()) as { ids: string[] };
    await waitUntil(
      async () => {
        const runs = (await (await fetch(`${p.engineUrl}/v1/events/${ids[0]}/runs`)).json()) as {
          data: { status: string }[];
        };
        return runs.data.length > 0 && runs.data.every((r) => r.status === "Completed");
      },
      { ...WAIT, message: "the hand-sent creation event's fan-out to finish" },
    );
    expect(receiver.requests).toHaveLength(4);
    const syncs = await syncsOf(item.id);
    expect(syncs.map((s) => s.status)).toEqual(["synced", "synced", "synced", "synced"]);
  });

  it("sends saves committed together as one event to one fan-out run, each item's updates in revision order", async () => {
    receiver = await startReceiver();
    await integrationFor(receiver.urlFor("/hook"));
    const items = [await newItem(), await newItem(), await newItem()];
    await deliveries(3, WAIT);
    // Two saves of each item, committed before any is sent (a busy shop: they reach the dispatcher together).
    const committed: ChangeEvent[][] = [];
    for (const item of items) {
      for (const revision of [1, 2]) {
        const result = await updateWorkItem(
          p.db.db,
          item.id,
          { revision, description: `r${revision + 1}` },
          ACTOR,
        );
        if (!result.ok || !result.changed) throw new Error("save failed");
        committed.push(result.events);
      }
    }
    const sent = await recordSentEvents();
    onTestFinished(sent.stop);
    await Promise.all(committed.map((events) => send(events)));
    expect(sent.ids).toHaveLength(1);
    const runs = await waitForEventRunsToFinish(p.engineUrl, sent.ids, WAIT);
    expect(runs.map((r) => r.function_id).filter((f) => f.endsWith("fan-out-change-event"))).toHaveLength(1);

    const requests = await deliveries(9, WAIT);
    for (const item of items) {
      const revisions = requests
        .map((r) => r.json as { type: string; revision: number; work_item: { id: number } })
        .filter((b) => b.type === "workitem_updated" && b.work_item.id === item.id)
        .map((b) => b.revision);
      expect(revisions).toEqual([2, 3]);
    }
    expect(
      (await Promise.all(items.map((i) => syncsOf(i.id)))).flat().every((s) => s.status === "synced"),
    ).toBe(true);
  });

  it("retries 500, 500, 200 and records three attempts", async () => {
    receiver = await startReceiver();
    await integrationFor(receiver.urlFor("/hook"));
    receiver.respondWith([500, 500, 200]);
    const item = await newItem();
    await deliveries(3, WAIT);
    const [sync] = await waitUntil(async () => {
      const rows = await syncsOf(item.id);
      return rows[0]?.status === "synced" ? rows : null;
    }, WAIT);
    expect(sync.attemptCount).toBe(3);
    const attempts = await attemptsOf(sync.id);
    expect(attempts.map((a) => [a.number, a.responseStatus, a.errorKind])).toEqual([
      [1, 500, "http"],
      [2, 500, "http"],
      [3, 200, null],
    ]);
    expect(new Set(receiver.requests.map((r) => r.headers["webhook-id"])).size).toBe(1);
    expect(attempts[0].requestHeaders["webhook-signature"]).toBe("[redacted]");
  });

  it("waits for Retry-After before the next try", async () => {
    receiver = await startReceiver();
    await integrationFor(receiver.urlFor("/hook"));
    receiver.respondWith([{ status: 429, headers: { "retry-after": "2" } }, 200]);
    await newItem();
    const [first, second] = await deliveries(2, WAIT);
    // The engine's retry interval here is 150 ms: a gap near 2 s is the receiver's Retry-After.
    expect(second.receivedAt.getTime() - first.receivedAt.getTime()).toBeGreaterThanOrEqual(1_800);
  });

  it("pauses the integration on 410 Gone", async () => {
    receiver = await startReceiver();
    const { integration } = await integrationFor(receiver.urlFor("/hook"));
    receiver.respondWith([410]);
    const item = await newItem();
    const paused = await waitUntil(async () => {
      const [row] = await p.db.db.select().from(integrations).where(eq(integrations.id, integration.id));
      return row && !row.active ? row : null;
    }, WAIT);
    expect(paused.pausedReason).toMatch(/410/);
    const [sync] = await syncsOf(item.id);
    expect(sync.status).toBe("pending");
    expect(receiver.requests).toHaveLength(1);
  });

  it("fails at once on 400", async () => {
    receiver = await startReceiver();
    await integrationFor(receiver.urlFor("/hook"));
    receiver.respondWith([{ status: 400, body: { message: "bad payload" } }]);
    const item = await newItem();
    const [sync] = await waitUntil(async () => {
      const rows = await syncsOf(item.id);
      return rows[0]?.status === "failed" ? rows : null;
    }, WAIT);
    expect(sync.attemptCount).toBe(1);
    expect(sync.lastStatusCode).toBe(400);
    const [attempt] = await attemptsOf(sync.id);
    expect(attempt.responseBody).toContain("bad payload");
    expect(receiver.requests).toHaveLength(1);
  });

  it("records a hanging receiver as a timeout", async () => {
    receiver = await startReceiver();
    await integrationFor(receiver.urlFor("/hook"));
    receiver.respondWith([{ hang: true }, 200]);
    const item = await newItem();
    const [sync] = await waitUntil(async () => {
      const rows = await syncsOf(item.id);
      return rows[0]?.status === "synced" ? rows : null;
    }, WAIT);
    const attempts = await attemptsOf(sync.id);
    expect(attempts[0].errorKind).toBe("timeout");
    expect(attempts[1].responseStatus).toBe(200);
  });

  it("records a closed port as refused", async () => {
    receiver = await startReceiver();
    const port = await closedPort();
    await integrationFor(`http://127.0.0.1:${port}/hook`);
    const item = await newItem();
    const attempt = await waitUntil(async () => {
      const [sync] = await syncsOf(item.id);
      return sync ? (await attemptsOf(sync.id))[0] : null;
    }, WAIT);
    expect(attempt.errorKind).toBe("refused");
    expect(attempt.responseStatus).toBeNull();
  });

  it("refuses a loopback address that is not allowlisted, before connecting", async () => {
    receiver = await startReceiver({ host: "127.0.0.2" });
    await integrationFor(`http://127.0.0.2:${receiver.port}/hook`);
    const item = await newItem();
    const [sync] = await waitUntil(async () => {
      const rows = await syncsOf(item.id);
      return rows[0]?.status === "failed" ? rows : null;
    }, WAIT);
    const [attempt] = await attemptsOf(sync.id);
    expect(attempt.errorKind).toBe("ssrf");
    expect(attempt.errorMessage).toMatch(/loopback/);
    expect(receiver.connectionCount).toBe(0);
  });

  it("keeps a save when the engine is down and delivers it exactly once when it is back", async () => {
    receiver = await startReceiver();
    await integrationFor(receiver.urlFor("/hook"));
    const item = await newItem();
    await deliveries(1, WAIT);

    await p.stopEngine();
    const saved = await save(item.id, 1, { title: "Cracked screen and battery" });
    expect(saved.revision).toBe(2);
    const [pending] = await p.db.db
      .select()
      .from(changeEvents)
      .where(and(eq(changeEvents.workItemId, item.id), eq(changeEvents.eventType, "workitem_updated")));
    expect(pending.dispatchedAt).toBeNull();

    await p.startEngineAgain();
    // The redispatch-outbox function (as its cron would, without the grace period) sends it.
    const { inngest } = await import("@/inngest/client");
    const { outboxFlushRequested } = await import("@/inngest/events");
    await inngest.send(outboxFlushRequested.create({ reason: "test" }));
    await waitUntil(async () => {
      const [row] = await p.db.db.select().from(changeEvents).where(eq(changeEvents.id, pending.id));
      return row.dispatchedAt ? row : null;
    }, WAIT);
    await deliveries(2, WAIT);
    // Sending the same change event again (a second flush racing the first) delivers nothing new.
    const { sendChangeEvents } = await import("@/server/deliveries/outbox");
    expect(await sendChangeEvents(p.db.db, [{ ...pending, reference: item.reference }])).toBe(true);
    const syncs = await waitUntil(async () => {
      const rows = await syncsOf(item.id);
      return rows.length === 2 && rows.every((s) => s.status === "synced") ? rows : null;
    }, WAIT);
    expect(syncs).toHaveLength(2);
    expect(typesOf(receiver.requests)).toEqual(["workitem_created", "workitem_updated"]);
  });

  it("delivers updates in revision order when an older one is retried", async () => {
    receiver = await startReceiver();
    const integration = await integrationFor(receiver.urlFor("/hook"));
    await ops.editIntegration(
      integration.integration.id,
      {
        name: integration.integration.name,
        url: integration.integration.url,
        eventTypes: ["workitem_updated"],
        headerName: null,
        headerValue: null,
      },
      p.db.db,
    );
    let failuresLeft = 2;
    receiver.setDefaultResponse((request) => {
      const { revision } = request.json as { revision: number };
      if (revision === 2 && failuresLeft > 0) {
        failuresLeft--;
        return 500;
      }
      return 200;
    });
    const item = await newItem();
    const r2 = await save(item.id, 1, { description: "first edit" });
    await deliveries(1, WAIT);
    await save(item.id, r2.revision, { description: "second edit" });

    const requests = await receiver.waitFor(
      (all) => all.some((r) => (r.json as { revision: number }).revision === 3),
      WAIT,
    );
    const revisions = requests.map((r) => (r.json as { revision: number }).revision);
    expect(revisions).toEqual([2, 2, 2, 3]);
  });

  it("goes on down an item's line in the run that settled the older delivery, instead of a run per release", async () => {
    receiver = await startReceiver();
    const integration = await integrationFor(receiver.urlFor("/hook"));
    await ops.editIntegration(
      integration.integration.id,
      {
        name: integration.integration.name,
        url: integration.integration.url,
        eventTypes: ["workitem_updated"],
        headerName: null,
        headerValue: null,
      },
      p.db.db,
    );
    let receiverFixed = false;
    receiver.setDefaultResponse((request) =>
      (request.json as { revision: number }).revision === 2 && !receiverFixed ? 500 : 200,
    );
    const item = await newItem();
    const sent = await recordSentEvents();
    onTestFinished(sent.stop);
    const r2 = await save(item.id, 1, { description: "first edit" });
    await deliveries(1, WAIT);
    const r3 = await save(item.id, r2.revision, { description: "second edit" });
    await save(item.id, r3.revision, { description: "third edit" });
    // Both later saves wait behind revision 2, which is failing.
    await waitUntil(async () => {
      const syncs = await syncsOf(item.id);
      return (
        syncs.filter((s) => s.revision > 2 && s.status === "pending" && s.leaseHolder === null).length === 2
      );
    }, WAIT);
    receiverFixed = true;

    const requests = await receiver.waitFor(
      (all) => all.some((r) => (r.json as { revision: number }).revision === 4),
      WAIT,
    );
    const revisions = requests.map((r) => (r.json as { revision: number }).revision);
    expect(revisions.filter((r) => r !== 2)).toEqual([3, 4]);
    expect(revisions.at(-3)).toBe(2);
    const runs = await waitForEventRunsToFinish(p.engineUrl, sent.ids, WAIT);
    // Revision 2's own retrying run delivered 3 and 4 after it: no release run for either.
    expect(runs.map((r) => r.function_id).filter((f) => f.endsWith("deliver-webhook"))).toHaveLength(1);
  });

  it("the recovery function fans out a lost change event and re-requests a lost delivery", async () => {
    receiver = await startReceiver();
    const { integration } = await integrationFor(receiver.urlFor("/hook"));
    const db = p.db.db;
    const elevenMinutesAgo = sql`now() - interval '11 minutes'`;
    await db
      .update(integrations)
      .set({ createdAt: sql`now() - interval '1 hour'` })
      .where(eq(integrations.id, integration.id));

    // A save whose events reached Inngest but whose fan-out gave up for good: no sync rows.
    const created = await createWorkItem(db, { ...ITEM, title: "Lost fan-out" }, ACTOR);
    if (!created.ok) throw new Error(created.reason);
    const lostFanOut = created.events[0];
    await db
      .update(changeEvents)
      .set({ createdAt: elevenMinutesAgo, dispatchedAt: sql`now()` })
      .where(eq(changeEvents.id, lostFanOut.id));
    const { listUnfannedChangeEvents, listStuckSyncs } = await import("@/server/deliveries/recovery");
    const { createSyncsForChangeEvent, getChangeEventWithReference } = await import(
      "@/server/deliveries/fan-out"
    );
    expect(await listUnfannedChangeEvents(db, { minutes: 10 })).toEqual([lostFanOut.id]);

    // A save whose sync exists but whose delivery request was lost: pending, never tried.
    const updated = await updateWorkItem(db, created.row.id, { revision: 1, title: "Lost delivery" }, ACTOR);
    if (!updated.ok || !updated.changed) throw new Error("not updated");
    const lostDelivery = updated.events[0];
    await db
      .update(changeEvents)
      .set({ dispatchedAt: sql`now()` })
      .where(eq(changeEvents.id, lostDelivery.id));
    const change = await getChangeEventWithReference(db, lostDelivery.id);
    const [integrationRow] = await db.select().from(integrations).where(eq(integrations.id, integration.id));
    const [plan] = await createSyncsForChangeEvent(db, change!, [integrationRow]);
    await db
      .update(integrationSyncs)
      .set({ createdAt: elevenMinutesAgo })
      .where(eq(integrationSyncs.id, plan.sync!.id));
    expect((await listStuckSyncs(db, { neverTriedMinutes: 10, quietMinutes: 180 })).map((s) => s.id)).toEqual(
      [plan.sync!.id],
    );

    const { inngest } = await import("@/inngest/client");
    const { recoveryRequested } = await import("@/inngest/events");
    await inngest.send(recoveryRequested.create({ reason: "test" }));
    const requests = await deliveries(2, WAIT);
    expect(typesOf(requests)).toEqual(["workitem_created", "workitem_updated"]);
    expect(await listUnfannedChangeEvents(db, { minutes: 10 })).toEqual([]);
    // The receiver answers before the sync is marked synced: wait for the rows to settle.
    await waitUntil(
      async () => (await listStuckSyncs(db, { neverTriedMinutes: 10, quietMinutes: 180 })).length === 0,
      { ...WAIT, message: "the recovered syncs to settle" },
    );
  });

  it("delivers task_created once and task_updated per save", async () => {
    receiver = await startReceiver();
    await integrationFor(receiver.urlFor("/hook"));
    const sent = await recordSentEvents();
    onTestFinished(sent.stop);
    const item = await newItem();
    const task = await createTask(p.db.db, item.id, "Order screen", ACTOR);
    if (!task.ok) throw new Error("task not created");
    await send(task.events);
    const first = await updateTask(p.db.db, task.row.id, { revision: 1, done: true }, ACTOR);
    if (!first.ok || !first.changed) throw new Error("task not updated");
    await send(first.events);
    const second = await updateTask(p.db.db, task.row.id, { revision: 2, title: "Order OEM screen" }, ACTOR);
    if (!second.ok || !second.changed) throw new Error("task not updated");
    await send(second.events);
    await send(task.events);

    await deliveries(4, WAIT);
    // Every sync of the item settled, and every run the five sends started (the repeated task_created
    // included: the engine drops it as a duplicate, so it has none) has finished, as have the runs
    // those started: nothing is left that could still post.
    const syncs = await waitUntil(
      async () => {
        const rows = await syncsOf(item.id);
        return rows.length === 4 && rows.every((s) => s.status === "synced" || s.status === "failed")
          ? rows
          : null;
      },
      { ...WAIT, message: "the item's four syncs to settle" },
    );
    expect(sent.ids).toHaveLength(5);
    const runs = await waitForEventRunsToFinish(p.engineUrl, sent.ids, WAIT);
    expect(runs.map((r) => r.status)).toEqual(runs.map(() => "Completed"));
    expect(runs.filter((r) => r.function_id.endsWith("fan-out-change-event"))).toHaveLength(4);
    expect(syncs.map((s) => s.status)).toEqual(["synced", "synced", "synced", "synced"]);

    const requests = receiver.requests;
    expect(requests).toHaveLength(4);
    expect(requests.map((r) => r.headers["webhook-id"]).sort()).toEqual(syncs.map((s) => s.webhookId).sort());
    expect(typesOf(requests)).toEqual(["task_created", "task_updated", "task_updated", "workitem_created"]);
    const taskBodies = requests.filter((r) => (r.json as { type: string }).type.startsWith("task"));
    for (const r of taskBodies) {
      const body = r.json as { task: { id: number }; work_item: { reference: string } };
      expect(body.task.id).toBe(task.row.id);
      expect(body.work_item.reference).toBe(item.reference);
    }
  });
});
