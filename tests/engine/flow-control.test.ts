import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
            await new Promise((r) => setTimeout(r, 150));
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

  it("concurrency limits steps in flight per key", async () => {
    const ids = [];
    for (const user of ["u1", "u1", "u1", "u2", "u2"])
      ids.push(await sendOne(engine.url, `${ns}/limited`, { user }));
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
