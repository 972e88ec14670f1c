import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "@/db/client";
import { createTestDb, type TestDb } from "../support/db";
import type { ReceivedRequest, ScriptedResponse } from "../support/receiver";
import {
  ACTOR,
  BASE_ITEM,
  type FaultStack,
  hashString,
  pool,
  prng,
  startFaultStack,
  unsettledSyncs,
  waitForAll,
  waitForSettled,
} from "./support/harness";

const SEED = Number(process.env.FAULTS_SEED ?? 20_240_611);
const ITEMS = Number(process.env.FAULTS_ITEMS ?? 100);
/**
 * 100 creates + 100 × 4 updates = 500 saves; every 2nd update also changes the status. Many short
 * chains rather than few long ones: deliveries of one object go out one at a time, in revision order.
 */
const UPDATES_PER_ITEM = 4;

/**
 * Each try of each webhook-id gets its answer from the seed, the id and the try's number, so a run is
 * reproducible whatever order the deliveries arrive in: 15 % 500, 5 % hang, 5 % connection reset.
 */
function flapping(seed: number) {
  const tries = new Map<string, number>();
  const answers = { ok: 0, error500: 0, hang: 0, reset: 0 };
  const respond = (request: ReceivedRequest): ScriptedResponse => {
    const id = request.headers["webhook-id"] ?? "";
    const n = (tries.get(id) ?? 0) + 1;
    tries.set(id, n);
    const r = prng(seed ^ hashString(`${id}#${n}`))();
    const answer: keyof typeof answers = r < 0.15 ? "error500" : r < 0.2 ? "hang" : r < 0.25 ? "reset" : "ok";
    answers[answer]++;
    return { error500: 500, hang: { hang: true as const }, reset: { reset: true as const }, ok: 200 }[answer];
  };
  return { respond, answers };
}

describe("a flapping receiver (random 500s, hangs, resets)", () => {
  let db: TestDb;
  let stack: FaultStack;
  const receiver = flapping(SEED);

  beforeAll(async () => {
    db = await createTestDb("postgres");
    stack = await startFaultStack({ db, integrations: 1, respond: receiver.respond, webhookTimeoutMs: 500 });
  });
  afterAll(async () => {
    await stack?.close();
    await db?.close();
  });

  it("500 saves: every delivery arrives, once per webhook-id after dedupe, in revision order per object", async () => {
    const { queries, dispatch } = stack;
    let saves = 0;
    await pool(
      Array.from({ length: ITEMS }, (_, i) => i),
      10,
      async (i) => {
        const created = await queries.createWorkItem(db.db, { ...BASE_ITEM, title: `Flap ${i}` }, ACTOR);
        if (!created.ok) throw new Error(created.reason);
        saves++;
        await dispatch.dispatchChangeEvents(created.events, db.db);
        let revision = created.row.revision;
        for (let u = 1; u <= UPDATES_PER_ITEM; u++) {
          const fields =
            u % 2 === 0
              ? { description: `u${u}`, status: u % 4 === 0 ? "in_progress" : "waiting_parts" }
              : { description: `u${u}` };
          const saved = await queries.updateWorkItem(
            db.db,
            created.row.id,
            { revision, ...fields } as never,
            ACTOR,
          );
          if (!saved.ok || !saved.changed) throw new Error(`save failed: ${JSON.stringify(saved)}`);
          saves++;
          revision = saved.row.revision;
          await dispatch.dispatchChangeEvents(saved.events, db.db);
        }
      },
    );
    expect(saves).toBe(ITEMS * (1 + UPDATES_PER_ITEM));

    const expected = await stack.expectedWebhookIds();
    // 100 created + 400 updated + 200 status changes.
    expect(expected).toHaveLength(ITEMS + ITEMS * UPDATES_PER_ITEM + ITEMS * (UPDATES_PER_ITEM / 2));
    await waitForAll(stack, db, 300_000);

    // None missing; after dedupe by webhook-id, each expected delivery counted once and nothing else.
    expect(new Set(stack.successes.keys())).toEqual(new Set(expected));
    // A webhook-id answered 2xx more than once is only ever a retry of an attempt the sender saw fail
    // (the 2xx came after its timeout): the app recorded exactly one successful attempt for it.
    const twice = [...stack.successes].filter(([, n]) => n > 1).map(([id]) => id);
    if (twice.length > 0) {
      const rows = await db.db.execute<{ webhook_id: string; ok: number; lost: number }>(sql`
        select s.webhook_id, count(*) filter (where a.response_status between 200 and 299)::int as ok,
               count(*) filter (where a.error_kind in ('timeout', 'reset'))::int as lost
        from integration_syncs s join sync_attempts a on a.sync_id = s.id
        where s.webhook_id in ${twice} group by s.webhook_id`);
      for (const row of rowsOf<{ webhook_id: string; ok: number; lost: number }>(rows)) {
        expect(row.ok, row.webhook_id).toBe(1);
        expect(row.lost, row.webhook_id).toBeGreaterThan(0);
      }
    }
    await waitForSettled(db, 60_000);
    expect(await unsettledSyncs(db)).toEqual([]);
    // The receiver really flapped.
    expect(receiver.answers.error500).toBeGreaterThan(expected.length * 0.08);
    expect(receiver.answers.hang).toBeGreaterThan(expected.length * 0.02);
    expect(receiver.answers.reset).toBeGreaterThan(expected.length * 0.02);

    // Per integration and object, successful deliveries arrive in revision order.
    const lastRevision = new Map<string, number>();
    for (const request of stack.successLog) {
      const body = request.json as { revision: number; work_item: { id: number } };
      const key = `${request.path}|${body.work_item.id}`;
      expect(body.revision).toBeGreaterThanOrEqual(lastRevision.get(key) ?? 0);
      lastRevision.set(key, body.revision);
    }
    console.info(
      `[faults] flapping receiver: ${stack.receiver.requests.length} requests for ${expected.length} deliveries, ${twice.length} answered 2xx after the sender had given up (retried, deduped by webhook-id)`,
      receiver.answers,
    );
  });
});
