import { eq, sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "@/db/client";
import { type ChangeEvent, integrationSyncs, integrations } from "@/db/schema";
import { createTestDb, type TestDb } from "../support/db";
import { ACTOR, BASE_ITEM, eventually, type FaultStack, startFaultStack } from "./support/harness";

/**
 * Holds a fan-out at its sync insert: an uncommitted row for the same (change event, integration) on
 * another connection makes the fan-out's insert-if-absent wait until `release()` rolls it back. By
 * then the fan-out has loaded its integrations, so it holds a copy from before whatever happened meanwhile.
 */
async function holdFanOut(url: string, event: ChangeEvent, integrationId: number) {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let pid: number | undefined;
  const done = client
    .begin(async (tx) => {
      const [row] = await tx<{ pid: number }[]>`select pg_backend_pid() as pid`;
      await tx`insert into integration_syncs (integration_id, subject_type, subject_id, work_item_id,
          change_event_id, event_type, revision, webhook_id, payload)
        values (${integrationId}, ${event.subjectType}, ${event.subjectId}, ${event.workItemId}, ${event.id},
          ${event.eventType}, ${event.revision}, 'placeholder', '{}'::jsonb)`;
      pid = row.pid;
      await released;
      throw new Error("roll back");
    })
    .catch(() => {});
  await eventually("the placeholder row", () => pid !== undefined, { timeoutMs: 10_000 });
  return {
    pid: pid!,
    release: async () => {
      release();
      await done;
      await client.end();
    },
  };
}

describe("a 410 while another delivery of the same save is on its way (the 410 race)", () => {
  let db: TestDb;
  let stack: FaultStack;

  beforeAll(async () => {
    db = await createTestDb("postgres");
    stack = await startFaultStack({
      db,
      integrations: 1,
      // The receiver is gone: creation got through, every later delivery is answered 410 Gone.
      respond: (request) => ((request.json as { type?: string }).type === "workitem_created" ? 200 : 410),
    });
  });
  afterAll(async () => {
    await stack?.close();
    await db?.close();
  });

  it("the first 410 pauses the integration; the save's other delivery is not sent and the first reason stays", async () => {
    const [integrationId] = stack.integrationIds;
    const { queries, dispatch } = stack;
    const created = await queries.createWorkItem(db.db, { ...BASE_ITEM, title: "410 race" }, ACTOR);
    if (!created.ok) throw new Error(created.reason);
    await dispatch.dispatchChangeEvents(created.events, db.db);
    await eventually("the creation to be delivered", () => stack.successLog.length === 1);

    const saved = await queries.updateWorkItem(
      db.db,
      created.row.id,
      { revision: 1, description: "screen ordered", status: "waiting_parts" },
      ACTOR,
    );
    if (!saved.ok || !saved.changed) throw new Error("not saved");
    const first = saved.events.find((e) => e.eventType === "workitem_updated")!;
    const second = saved.events.find((e) => e.eventType === "workitem_status_changed")!;

    // Two fan-outs (dispatched one after the other, as two processes would: dispatched together they
    // would share one fan-out, whose line of the item stops at the 410) load the integration (active),
    // then wait at their insert.
    const holdFirst = await holdFanOut(db.url!, first, integrationId);
    const holdSecond = await holdFanOut(db.url!, second, integrationId);
    await dispatch.dispatchChangeEvents([first], db.db);
    await dispatch.dispatchChangeEvents([second], db.db);
    const blockedBy = async (pid: number) => {
      const result = await db.db.execute<{ n: number }>(
        sql`select count(*)::int as n from pg_stat_activity where ${pid}::int = any(pg_blocking_pids(pid))`,
      );
      return Number(rowsOf<{ n: number }>(result)[0].n);
    };
    await eventually(
      "both fan-outs to wait at their insert",
      async () => (await blockedBy(holdFirst.pid)) > 0 && (await blockedBy(holdSecond.pid)) > 0,
    );

    // The first goes on: its POST is answered 410 and pauses the integration.
    await holdFirst.release();
    const integrationRow = async () =>
      (await db.db.select().from(integrations).where(eq(integrations.id, integrationId)))[0];
    let paused = await integrationRow();
    await eventually("the 410 to pause the integration", async () => {
      paused = await integrationRow();
      return !paused.active;
    });
    expect(stack.receiver.requests.map((r) => (r.json as { type: string }).type)).toEqual([
      "workitem_created",
      "workitem_updated",
    ]);

    // The second goes on with its copy of the integration from before the pause.
    await holdSecond.release();
    const secondSync = async () =>
      (await db.db.select().from(integrationSyncs).where(eq(integrationSyncs.changeEventId, second.id)))[0];
    await eventually("the second fan-out to finish its try", async () => {
      const row = await secondSync();
      return row !== undefined && row.leaseHolder === null;
    });

    const sync = await secondSync();
    expect(sync).toMatchObject({ status: "pending", attemptCount: 0 });
    expect(stack.receiver.requests.map((r) => (r.json as { type: string }).type)).toEqual([
      "workitem_created",
      "workitem_updated",
    ]);
    const after = await integrationRow();
    expect(after.active).toBe(false);
    expect(after.pausedReason).toBe(paused.pausedReason);
    expect(after.pausedAt).toEqual(paused.pausedAt);
  });
});
