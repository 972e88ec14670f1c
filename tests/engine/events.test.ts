import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  devClient,
  runsForEvent,
  sendEvent,
  sendOne,
  serveApp,
  startTestEngine,
  syncApp,
  type TestApp,
  type TestEngine,
  uniqueId,
  waitForFinishedRuns,
} from "./helpers";

describe("event API", () => {
  let engine: TestEngine;
  let app: TestApp;
  const prefix = uniqueId("ev");
  let client: ReturnType<typeof devClient>;

  beforeAll(async () => {
    engine = await startTestEngine();
    client = devClient(engine.url);
    const fn = client.createFunction(
      { id: "counter", triggers: [{ event: `${prefix}/order` }] },
      async ({ event }) => ({
        seen: event.data.n,
      }),
    );
    app = await serveApp(client, [fn]);
    await syncApp(app);
  });

  afterAll(async () => {
    await app?.close();
    await engine?.close();
  });

  it("two events with the same id within 24 h start one run; events without an id start one run each", async () => {
    const dup = uniqueId("order");
    const first = await sendOne(engine.url, `${prefix}/order`, { n: 1 }, dup);
    const second = await sendOne(engine.url, `${prefix}/order`, { n: 2 }, dup);
    const plainA = await sendOne(engine.url, `${prefix}/order`, { n: 3 });
    const plainB = await sendOne(engine.url, `${prefix}/order`, { n: 4 });

    const [firstRun] = await waitForFinishedRuns(engine.url, first);
    expect(firstRun.output).toEqual({ seen: 1 });
    expect(await waitForFinishedRuns(engine.url, plainA)).toHaveLength(1);
    expect(await waitForFinishedRuns(engine.url, plainB)).toHaveLength(1);
    // Everything sent later has finished, so the duplicate's absence of runs is settled.
    expect(await runsForEvent(engine.url, second)).toHaveLength(0);
  });

  it("accepts an array, answers { ids, status: 200 } and gives deterministic ids for a retried seed", async () => {
    const seed = `${Date.now()},${Buffer.from("0123456789").toString("base64")}`;
    const batch = [
      { name: `${prefix}/order`, data: { n: 10 } },
      { name: `${prefix}/order`, data: { n: 11 } },
    ];
    const a = await sendEvent(engine.url, batch, { "x-inngest-event-id-seed": seed });
    expect(a.status).toBe(200);
    expect(a.body.status).toBe(200);
    expect(a.body.ids).toHaveLength(2);
    expect(new Set(a.body.ids).size).toBe(2);
    for (const id of a.body.ids ?? []) expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    const b = await sendEvent(engine.url, batch, { "x-inngest-event-id-seed": seed });
    expect(b.body.ids).toEqual(a.body.ids);
  });

  it("works with the SDK's inngest.send()", async () => {
    const { ids } = await client.send({ name: `${prefix}/order`, data: { n: 99 } });
    const [run] = await waitForFinishedRuns(engine.url, ids[0]);
    expect(run.output).toEqual({ seen: 99 });
  });

  it.each([
    ["bad JSON", "{not json", /JSON/],
    ["a missing name", { data: {} }, /name/],
    ["non-object data", { name: `${prefix}/order`, data: [1, 2] }, /data/],
    ["a bad event inside a batch", [{ name: `${prefix}/order` }, { name: "" }], /name/],
  ])("rejects %s with 400 and a reason", async (_label, body, reason) => {
    const res = await sendEvent(engine.url, body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(reason);
    expect(res.body.ids).toBeUndefined();
  });
});
