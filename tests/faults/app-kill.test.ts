import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../support/db";
import { saveBurst } from "./support/burst";
import {
  type FaultStack,
  startFaultStack,
  undispatchedCount,
  unsettledSyncs,
  waitForAll,
  waitForSettled,
} from "./support/harness";

describe("app (SDK handler) SIGKILL and restart during deliveries", () => {
  let db: TestDb;
  let stack: FaultStack;

  beforeAll(async () => {
    db = await createTestDb("postgres");
    // Each function's retries must outlast the restart (fan-out and delivery: 20 retries × 1 s).
    stack = await startFaultStack({ db, integrations: 1, retryInterval: "1s" });
  });
  afterAll(async () => {
    await stack?.close();
    await db?.close();
  });

  it("loses no delivery", async () => {
    const burst = saveBurst(stack, { items: 40, updates: 4, label: "App kill" });
    await expect
      .poll(() => stack.successes.size, { message: "deliveries under way", timeout: 90_000 })
      .toBeGreaterThanOrEqual(30);
    await stack.app.kill();
    await stack.app.start();
    await expect
      .poll(() => stack.successes.size, { message: "more deliveries under way", timeout: 90_000 })
      .toBeGreaterThanOrEqual(80);
    await stack.app.kill();
    await stack.app.start();
    const result = await burst;
    expect(result.failures).toEqual([]);
    await waitForAll(stack, db, 150_000);
    expect(await undispatchedCount(db)).toBe(0);
    await waitForSettled(db, 60_000);
    expect(await unsettledSyncs(db)).toEqual([]);
    const duplicates = [...stack.successes.values()].filter((n) => n > 1).length;
    console.info(
      `[faults] app kill ×2: ${(await stack.expectedWebhookIds()).length} deliveries, ${duplicates} webhook-id(s) answered 2xx twice (a kill between the POST and its checkpoint re-runs the step)`,
    );
  });
});
