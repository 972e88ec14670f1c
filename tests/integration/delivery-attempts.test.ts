import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { asc, eq, sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import {
  CHANGE_EVENT_TYPES,
  type ChangeEventType,
  changeEvents,
  integrationSyncs,
  integrations,
  syncAttempts,
} from "@/db/schema";
import { attemptDelivery } from "@/server/deliveries/attempt";
import { createSyncsForChangeEvent } from "@/server/deliveries/fan-out";
import { takeLease } from "@/server/deliveries/lease";
import { deliverNow } from "@/server/deliveries/runs";
import { createTask } from "@/server/work-items/tasks";
import { createWorkItem, updateWorkItem } from "@/server/work-items/work-items";
import { DRIVERS } from "../support/db";
import { captureLogs } from "../support/logs";
import { type Pipeline, startPipeline } from "../support/pipeline";
import { startReceiver, type TestReceiver, waitUntil } from "../support/receiver";
import { ACTOR, ITEM } from "../support/work-item-fixture";

const WAIT = { timeoutMs: 20_000 };

/** A receiver that holds every request until the test answers it. */
async function startGate() {
  const held: { json: { type: string }; answer: (status: number) => void }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      held.push({
        json: JSON.parse(Buffer.concat(chunks).toString("utf8")),
        answer: (status) => res.writeHead(status, { "content-type": "application/json" }).end("{}"),
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    held,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The body's envelope keys in the order README.md documents them ("and the body `{ id, type, … }`"). */
function documentedEnvelopeOrder(): string[] {
  const readme = fs.readFileSync(path.resolve(import.meta.dirname, "../../README.md"), "utf8");
  const match = readme.match(/and the body\s+`(\{[^`]+\})`/);
  if (!match) throw new Error("README.md no longer documents the body as `{ id, type, … }`");
  // Top-level names only: drop nested braces, then "task?" is an optional key.
  const flat = match[1].slice(1, -1).replace(/\{[^}]*\}/g, "");
  return flat.split(",").map((k) => k.split(":")[0].trim().replace(/\?$/, ""));
}

function topLevelKeys(raw: string): string[] {
  return Object.keys(JSON.parse(raw) as object);
}

describe.each(DRIVERS)("delivery attempts on %s", (driver) => {
  let p: Pipeline;
  let ops: typeof import("@/server/integrations/operations");
  let dispatch: typeof import("@/server/deliveries/outbox");
  let receiver: TestReceiver | undefined;
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
    await p.clearIntegrations();
    await receiver?.close();
    receiver = undefined;
  });

  async function integrationFor(url: string, eventTypes: ChangeEventType[] = [...CHANGE_EVENT_TYPES]) {
    const result = await ops.createIntegration(
      { name: `hook-${driver}-${++counter}`, url, eventTypes, headerName: null, headerValue: null },
      p.db.db,
    );
    if (!result.ok) throw new Error(result.message);
    return result.data;
  }

  async function newItem({ send = true } = {}) {
    const created = await createWorkItem(p.db.db, ITEM, ACTOR);
    if (!created.ok) throw new Error(created.reason);
    if (send) await dispatch.dispatchChangeEvents(created.events, p.db.db);
    return created.row;
  }

  /** One save that writes two change events (workitem_updated and workitem_status_changed). */
  async function saveWithStatusChange(id: number, revision: number, { send = true } = {}) {
    const result = await updateWorkItem(
      p.db.db,
      id,
      { revision, description: `edit ${revision}`, status: "in_progress" },
      ACTOR,
    );
    if (!result.ok || !result.changed) throw new Error(`not saved: ${JSON.stringify(result)}`);
    if (send) await dispatch.dispatchChangeEvents(result.events, p.db.db);
    return result;
  }

  async function integrationRow(id: number) {
    const [row] = await p.db.db.select().from(integrations).where(eq(integrations.id, id));
    return row;
  }

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

  it("a 410 answered to a POST already on the wire leaves the first pause's reason and time", async () => {
    const gate = await startGate();
    onTestFinished(gate.close);
    const { integration } = await integrationFor(gate.url, ["workitem_updated"]);
    const items = [await newItem(), await newItem()];
    // Two items' deliveries are on the wire at once (one fan-out or two: different objects go in parallel).
    await Promise.all(items.map((item) => saveWithStatusChange(item.id, 1)));
    await waitUntil(() => gate.held.length === 2, { ...WAIT, message: "both POSTs of the saves" });
    gate.held[0].answer(410);
    const paused = await waitUntil(async () => {
      const row = await integrationRow(integration.id);
      return row.active ? null : row;
    }, WAIT);
    gate.held[1].answer(410);
    const syncs = async () => [...(await syncsOf(items[0].id)), ...(await syncsOf(items[1].id))];
    await waitUntil(async () => (await syncs()).every((s) => s.attemptCount === 1), {
      ...WAIT,
      message: "the second 410 to be recorded",
    });
    const after = await integrationRow(integration.id);
    expect(after.active).toBe(false);
    expect(after.pausedReason).toBe(paused.pausedReason);
    expect(after.pausedAt).toEqual(paused.pausedAt);
    expect((await syncs()).map((s) => s.status)).toEqual(["pending", "pending"]);
  });

  it("sends nothing to an integration a 410 paused after the sending run loaded it", async () => {
    receiver = await startReceiver({ defaultResponse: 410 });
    const { integration } = await integrationFor(receiver.urlFor("/hook"), [
      "workitem_updated",
      "workitem_status_changed",
    ]);
    const item = await newItem({ send: false });
    const saved = await saveWithStatusChange(item.id, 1, { send: false });
    // The pipeline's outbox cron must not fan these out too: this test is the fan-out.
    await p.db.db
      .update(changeEvents)
      .set({ dispatchedAt: sql`now()` })
      .where(eq(changeEvents.workItemId, item.id));
    // Two fan-outs of one save load the integration (active) before either tries.
    const loaded = await integrationRow(integration.id);
    const [updated, statusChanged] = saved.events;
    const [a] = await createSyncsForChangeEvent(p.db.db, updated, [loaded], { holder: "run-a", ms: 60_000 });
    const [b] = await createSyncsForChangeEvent(p.db.db, statusChanged, [loaded], {
      holder: "run-b",
      ms: 60_000,
    });

    const first = await deliverNow(
      p.db.db,
      [{ sync: a.sync!, integration: loaded, reference: item.reference }],
      "run-a",
    );
    expect(first.waiting).toBe(1);
    const paused = await integrationRow(integration.id);
    expect(paused.active).toBe(false);
    expect(paused.pausedReason).toMatch(/410/);

    const second = await deliverNow(
      p.db.db,
      [{ sync: b.sync!, integration: loaded, reference: item.reference }],
      "run-b",
    );
    expect(second).toMatchObject({ waiting: 1, synced: 0, failed: 0, handedOff: 0 });
    expect(receiver.requests).toHaveLength(1);
    const after = await integrationRow(integration.id);
    expect(after.pausedReason).toBe(paused.pausedReason);
    expect(after.pausedAt).toEqual(paused.pausedAt);
    const [, syncB] = await syncsOf(item.id);
    expect(syncB).toMatchObject({ status: "pending", attemptCount: 0, leaseHolder: null });
  });

  it("waits the first backoff step before the second try of a failing receiver", async () => {
    const previous = process.env.WEBHOOK_FIRST_RETRY_MS;
    const { resetEnvCache } = await import("@/lib/env");
    process.env.WEBHOOK_FIRST_RETRY_MS = "1500";
    resetEnvCache();
    onTestFinished(() => {
      process.env.WEBHOOK_FIRST_RETRY_MS = previous;
      resetEnvCache();
    });
    receiver = await startReceiver();
    await integrationFor(receiver.urlFor("/hook"));
    receiver.respondWith([500, 500, 200]);
    const item = await newItem();
    const [first, second, third] = await receiver.waitForRequests(3, WAIT);
    // The first try is the fan-out's; the second is the delivery run's, after the first backoff step.
    expect(second.receivedAt.getTime() - first.receivedAt.getTime()).toBeGreaterThanOrEqual(1_500);
    // The run's own retry follows the engine's backoff (150 ms in the test pipeline).
    expect(third.receivedAt.getTime() - second.receivedAt.getTime()).toBeGreaterThanOrEqual(150);
    const [sync] = await waitUntil(async () => {
      const rows = await syncsOf(item.id);
      return rows[0]?.status === "synced" ? rows : null;
    }, WAIT);
    expect((await attemptsOf(sync.id)).map((a) => a.responseStatus)).toEqual([500, 500, 200]);
  });

  it("sends the body in the documented key order, nested keys sorted, signed over the bytes sent", async () => {
    receiver = await startReceiver();
    const { secret } = await integrationFor(receiver.urlFor("/hook"));
    const item = await newItem();
    const task = await createTask(p.db.db, item.id, "Order screen", ACTOR);
    if (!task.ok) throw new Error("task not created");
    await dispatch.dispatchChangeEvents(task.events, p.db.db);
    const requests = await receiver.waitForRequests(2, WAIT);

    const documented = documentedEnvelopeOrder();
    expect(documented).toEqual([
      "id",
      "type",
      "occurred_at",
      "revision",
      "work_item",
      "task",
      "changes",
      "actor",
    ]);
    const verifier = new Webhook(secret);
    for (const request of requests) {
      const body = JSON.parse(request.rawBody) as Record<string, unknown>;
      expect(topLevelKeys(request.rawBody)).toEqual(documented.filter((k) => k in body));
      const workItem = body.work_item as Record<string, unknown>;
      expect(Object.keys(workItem)).toEqual(Object.keys(workItem).sort());
      expect(workItem.reference).toBe(item.reference);
      // Re-serializing the parsed body gives the same bytes: what the README's n8n check relies on.
      expect(JSON.stringify(body)).toBe(request.rawBody);
      expect(() => verifier.verify(request.rawBody, request.headers)).not.toThrow();
    }
    const taskBody = requests.find((r) => (r.json as { type: string }).type === "task_created")!;
    expect(topLevelKeys(taskBody.rawBody)).toEqual(documented);
  });

  it("every delivery log line names the work item's reference; a 500 and lease contention are warnings without a stack", async () => {
    const logs = captureLogs("debug");
    onTestFinished(logs.stop);
    receiver = await startReceiver();
    const { integration } = await integrationFor(receiver.urlFor("/hook"), ["workitem_created"]);
    receiver.respondWith([500, 500, 200]);
    const item = await newItem();
    const [sync] = await waitUntil(async () => {
      const rows = await syncsOf(item.id);
      return rows[0]?.status === "synced" ? rows : null;
    }, WAIT);

    // Lease contention: another run holds the lease of a pending sync.
    const saved = await updateWorkItem(p.db.db, item.id, { revision: 1, title: "Other" }, ACTOR);
    if (!saved.ok || !saved.changed) throw new Error("not saved");
    await ops.editIntegration(
      integration.id,
      {
        name: integration.name,
        url: integration.url,
        eventTypes: ["workitem_updated"],
        headerName: null,
        headerValue: null,
      },
      p.db.db,
    );
    const loaded = await integrationRow(integration.id);
    const [plan] = await createSyncsForChangeEvent(p.db.db, saved.events[0], [loaded]);
    await p.db.db
      .update(changeEvents)
      .set({ dispatchedAt: sql`now()` })
      .where(eq(changeEvents.id, saved.events[0].id));
    expect(await takeLease(p.db.db, plan.sync!.id, "another-run")).toBe(true);
    expect(await attemptDelivery(p.db.db, plan.sync!.id, "automatic", "this-run")).toMatchObject({
      outcome: "in-flight",
    });
    logs.stop();

    const delivery = logs.lines.filter((l) => l.syncId === sync.id || l.syncId === plan.sync!.id);
    const subject = `workitem:${item.id} (${item.reference})`;
    expect(delivery.map((l) => l.msg)).toEqual([
      `Sending webhook to ${integration.name} for ${subject} (attempt 1)`,
      `Webhook to ${integration.name} for ${subject} failed (attempt 1): HTTP 500 Internal Server Error; will retry`,
      `Sending webhook to ${integration.name} for ${subject} (attempt 2)`,
      `Webhook to ${integration.name} for ${subject} failed (attempt 2): HTTP 500 Internal Server Error; will retry`,
      // The SDK's own line for the step it retries (inngest/sdk-logger.ts).
      `Inngest step error; retrying: Webhook to ${integration.name} for ${subject} failed (attempt 2): HTTP 500 Internal Server Error`,
      `Sending webhook to ${integration.name} for ${subject} (attempt 3)`,
      `Successfully synced ${subject} to ${integration.name}`,
      `Delivery of ${subject} is already under way elsewhere`,
    ]);
    for (const line of delivery) {
      expect(line.reference, line.msg).toBe(item.reference);
      expect(line.msg).toContain(item.reference);
      expect(line).not.toHaveProperty("err");
      expect(line).not.toHaveProperty("stack");
    }
    expect(delivery.map((l) => l.level)).toEqual([30, 40, 30, 40, 40, 30, 30, 40]);
  });
});
