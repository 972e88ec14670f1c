import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestDb } from "../support/db";
import { type BurstResult, saveBurst } from "./support/burst";
import {
  eventually,
  type FaultStack,
  startFaultStack,
  undispatchedIds,
  unsettledSyncs,
  waitForAll,
  waitForSettled,
} from "./support/harness";
import { type RestartablePostgres, startRestartablePostgres } from "./support/postgres";

/** What a save may fail with while the database is away: a connection error that says so. */
const CONNECTION_ERROR =
  /ECONNREFUSED|ECONNRESET|terminat|shut ?down|shutting down|CONNECTION_(CLOSED|ENDED|DESTROYED)|connect|closed|starting up|administrator/i;

describe("PostgreSQL restart during a burst", () => {
  let pg: RestartablePostgres;
  let db: TestDb;
  let stack: FaultStack;

  beforeAll(async () => {
    pg = await startRestartablePostgres();
    db = await pg.openTestDb();
    // Steps that hit the database while it is down are retried (fan-out and delivery: 20 × 1 s).
    stack = await startFaultStack({ db, integrations: 1, retryInterval: "1s" });
  });
  afterAll(async () => {
    await stack?.close();
    await db?.close();
    await pg?.destroy();
  });

  it("each save either fails with a clear error or succeeds, and every successful save is delivered", async () => {
    const live: BurstResult = { saves: 0, failures: [], committedEvents: [] };
    const burst = saveBurst(stack, {
      items: 30,
      updates: 12,
      concurrency: 5,
      label: "PG restart",
      result: live,
    });
    await expect
      .poll(() => live.saves, { message: "a sixth of the burst saved", timeout: 60_000 })
      .toBeGreaterThanOrEqual(65);
    await pg.stop();
    // Hold the database down for a while (proved down by a query of our own) so the burst feels it.
    let failedDuringOutage = 0;
    const before = Date.now();
    await eventually("saves to fail while the database is down", async () => {
      failedDuringOutage = await stack.queries
        .getWorkItem(db.db, 1)
        .then(() => 0)
        .catch(() => 1);
      return failedDuringOutage === 1 && live.failures.length > 0 && Date.now() - before > 1_000;
    });
    await pg.start();
    const result = await burst;

    expect(result.failures.length).toBeGreaterThan(0);
    for (const failure of result.failures) expect(failure.message).toMatch(CONNECTION_ERROR);

    // A save that committed but whose dispatch failed waits in the outbox; its cron (or a request) sends it.
    // Every committed save left undispatched is one the burst saw not sent (a save that threw may have
    // committed too: its events are not in committedEvents).
    const notSent = new Set(result.dispatchFailures?.flatMap((f) => f.changeEventIds));
    const committed = new Set(result.committedEvents.map((e) => e.id));
    const waiting = await undispatchedIds(db);
    expect(waiting.filter((id) => committed.has(id) && !notSent.has(id))).toEqual([]);
    const undispatched = waiting.length;
    if (undispatched > 0) await stack.flushOutbox();
    const mustArrive = result.committedEvents.flatMap((e) =>
      stack.integrationIds.map((i) => `msg_${e.id}_${i}`),
    );
    await waitForAll(stack, db, 150_000);
    for (const id of mustArrive) expect(stack.successes.has(id), id).toBe(true);
    await waitForSettled(db, 60_000);
    expect(await unsettledSyncs(db)).toEqual([]);
    console.info(
      `[faults] postgres restart: ${result.saves} saves succeeded, ${result.dispatchFailures?.length} committed but not sent at once, ${result.failures.length} failed (${[
        ...new Set(result.failures.map((f) => f.message.slice(0, 60))),
      ].join(" | ")}), ${undispatched} re-sent by the outbox, ${mustArrive.length} deliveries`,
    );
  });
});
