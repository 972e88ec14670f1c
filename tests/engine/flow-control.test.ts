import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  devClient,
  runsForEvent,
  sendOne,
  serveApp,
  startTestEngine,
  syncApp,
  type TestApp,
  type TestEngine,
  uniqueId,
  waitForFinishedRuns,
} from "./helpers";

describe("flow control", () => {
  let engine: TestEngine;
  let app: TestApp;
  const ns = uniqueId("fc");
  const active = new Map<string, number>();
  const maxActive = new Map<string, number>();
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const throttleStarts: number[] = [];

  beforeAll(async () => {
    engine = await startTestEngine();
    const client = devClient(engine.url);
    app = await serveApp(client, [
      client.createFunction(
        { id: "idem", idempotency: "event.data.orderId", triggers: [{ event: `${ns}/idem` }] },
        async ({ event }) => event.data.n,
      ),
      client.createFunction(
        {
          id: "limited",
          concurrency: { limit: 1, key: "event.data.user" },
          triggers: [{ event: `${ns}/limited` }],
        },
        async ({ event, step }) => {
          const user = event.data.user as string;
          return step.run("work", async () => {
            active.set(user, (active.get(user) ?? 0) + 1);
            maxActive.set(user, Math.max(maxActive.get(user) ?? 0, active.get(user)!));
            // Held until the test has seen both keys in flight (no fixed sleep).
            await released;
            active.set(user, active.get(user)! - 1);
            return user;
          });
        },
      ),
      client.createFunction(
        { id: "throttled", throttle: { limit: 1, period: "1s" }, triggers: [{ event: `${ns}/throttled` }] },
        async ({ step }) => step.run("stamp", () => throttleStarts.push(Date.now())),
      ),
    ]);
    await syncApp(app);
  });

  afterAll(async () => {
    await app?.close();
    await engine?.close();
  });

  it("function idempotency starts one run per key within 24 h", async () => {
    const a = await sendOne(engine.url, `${ns}/idem`, { orderId: "A", n: 1 });
    const a2 = await sendOne(engine.url, `${ns}/idem`, { orderId: "A", n: 2 });
    const b = await sendOne(engine.url, `${ns}/idem`, { orderId: "B", n: 3 });
    expect((await waitForFinishedRuns(engine.url, a))[0].output).toBe(1);
    expect((await waitForFinishedRuns(engine.url, b))[0].output).toBe(3);
    expect(await runsForEvent(engine.url, a2)).toHaveLength(0);
  });

  it("concurrency with a key: one step in flight per key, different keys in parallel", async () => {
    const ids = [];
    for (const user of ["u1", "u1", "u1", "u2", "u2"])
      ids.push(await sendOne(engine.url, `${ns}/limited`, { user }));
    try {
      // Two keys run in parallel: a step of u2 starts while one of u1 is held.
      await vi.waitFor(
        () => {
          expect(active.get("u1") ?? 0, "u1 steps in flight").toBeGreaterThan(0);
          expect(active.get("u2") ?? 0, "u2 steps in flight while u1 is held").toBeGreaterThan(0);
        },
        { timeout: 10_000, interval: 20 },
      );
      // One key, one at a time: the other runs of u1 (sent before u2's) wait while one is held.
      expect(active.get("u1")).toBe(1);
      expect(active.get("u2")).toBe(1);
    } finally {
      release();
    }
    for (const id of ids) expect((await waitForFinishedRuns(engine.url, id))[0].status).toBe("Completed");
    expect(maxActive.get("u1")).toBe(1);
    expect(maxActive.get("u2")).toBe(1);
  });

  it("throttle delays runs over the limit instead of dropping them", async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await sendOne(engine.url, `${ns}/throttled`));
    for (const id of ids) expect((await waitForFinishedRuns(engine.url, id))[0].status).toBe("Completed");
    throttleStarts.sort((x, y) => x - y);
    expect(throttleStarts).toHaveLength(3);
    expect(throttleStarts[2] - throttleStarts[0]).toBeGreaterThanOrEqual(1800);
  });
});
