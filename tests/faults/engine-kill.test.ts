import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../support/db";
import { type BurstResult, saveBurst } from "./support/burst";
import {
  type FaultStack,
  startFaultStack,
  undispatchedCount,
  undispatchedIds,
  unsettledSyncs,
  waitForAll,
  waitForSettled,
} from "./support/harness";

describe("engine SIGKILL and restart during a burst", () => {
  let db: TestDb;
  let stack: FaultStack;

  beforeAll(async () => {
    db = await createTestDb("postgres");
    stack = await startFaultStack({ db, integrations: 1, retryInterval: "100ms" });
  });
  afterAll(async () => {
    await stack?.close();
    await db?.close();
  });

  it("loses no change and no delivery", async () => {
    const live: BurstResult = { saves: 0, failures: [], committedEvents: [] };
    const burst = saveBurst(stack, {
      items: 40,
      updates: 4,
      concurrency: 5,
      label: "Engine kill",
      result: live,
    });
    await expect
      .poll(() => live.saves >= 70 && stack.successes.size > 0, {
        message: "a third of the burst saved and delivering",
        timeout: 60_000,
      })
      .toBe(true);
    await stack.engine.kill();
    await stack.engine.start(); // same port, same data dir: the journal brings back every accepted event and step
    const result = await burst;
    expect(result.failures).toEqual([]);
    expect(result.saves).toBe(40 * 5);

    // Saves whose send failed while the engine was down stay in the outbox; the outbox function
    // (cron every minute, or on request) sends them. Nothing else is needed.
    // Each of them is one the burst saw not sent at once.
    const notSent = new Set(result.dispatchFailures?.flatMap((f) => f.changeEventIds));
    const waiting = await undispatchedIds(db);
    expect(waiting.filter((id) => !notSent.has(id))).toEqual([]);
    const undispatched = waiting.length;
    if (undispatched > 0) await stack.flushOutbox();
    await waitForAll(stack, db, 150_000);
    expect(await undispatchedCount(db)).toBe(0);
    await waitForSettled(db, 60_000);
    expect(await unsettledSyncs(db)).toEqual([]);
    const duplicates = [...stack.successes.values()].filter((n) => n > 1).length;
    console.info(
      `[faults] engine kill: ${(await stack.expectedWebhookIds()).length} deliveries, ${result.dispatchFailures?.length} save(s) committed but not sent at once, ${undispatched} change events re-sent by the outbox, ${duplicates} webhook-id(s) answered 2xx twice (at-least-once; receivers dedupe by webhook-id)`,
    );
  });
});
