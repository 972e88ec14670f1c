import type { ChildProcess } from "node:child_process";
import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEngine } from "../../engine/server";
import { freePort } from "../../scripts/free-port";
import {
  devClient,
  EXTERNAL_ENGINE,
  getRun,
  kill,
  runsForEvent,
  sendEvent,
  sendOne,
  serveApp,
  spawnEngine,
  startTestEngine,
  syncApp,
  type TestApp,
  type TestEngine,
  tempDir,
  uniqueId,
  waitForFinishedRuns,
} from "./helpers";

interface Seen {
  ids: string[];
  ns: number[];
  accounts: string[];
}

/** What a batched function saw: `event` must be the first of `events`. */
function seen(event: { id?: string }, events: { id?: string; data: Record<string, unknown> }[]): Seen {
  if (event.id !== events[0]?.id) throw new Error(`event ${event.id} is not events[0] ${events[0]?.id}`);
  return {
    ids: events.map((e) => e.id ?? ""),
    ns: events.map((e) => e.data.n as number),
    accounts: events.map((e) => e.data.accountId as string),
  };
}

async function sendMany(engineUrl: string, events: unknown[]): Promise<string[]> {
  const res = await sendEvent(engineUrl, events);
  if (res.status !== 200 || res.body.ids?.length !== events.length)
    throw new Error(`send failed: ${JSON.stringify(res.body)}`);
  return res.body.ids;
}

describe("batchEvents", () => {
  let engine: TestEngine;
  let app: TestApp;
  const ns = uniqueId("batch");
  /** First call time per run of the timeout function. */
  const timedStarts = new Map<string, number>();
  /** Every call of the flaky function: run id → the event ids it was given. */
  const flakyCalls: { runId: string; ids: string[] }[] = [];
  const flakyFailed = new Set<string>();
  let active = 0;
  let maxActive = 0;

  beforeAll(async () => {
    engine = await startTestEngine();
    const client = devClient(engine.url);
    app = await serveApp(client, [
      client.createFunction(
        { id: "full", batchEvents: { maxSize: 3, timeout: "60s" }, triggers: [{ event: `${ns}/full` }] },
        async ({ event, events }) => seen(event, events),
      ),
      client.createFunction(
        { id: "timed", batchEvents: { maxSize: 10, timeout: "1s" }, triggers: [{ event: `${ns}/timed` }] },
        async ({ event, events, runId }) => {
          if (!timedStarts.has(runId)) timedStarts.set(runId, Date.now());
          return seen(event, events);
        },
      ),
      client.createFunction(
        {
          id: "keyed",
          batchEvents: { maxSize: 2, timeout: "60s", key: "event.data.accountId" },
          triggers: [{ event: `${ns}/keyed` }],
        },
        async ({ event, events }) => seen(event, events),
      ),
      client.createFunction(
        {
          id: "conditional",
          batchEvents: { maxSize: 2, timeout: "60s", if: 'event.data.plan == "free"' },
          triggers: [{ event: `${ns}/conditional` }],
        },
        async ({ event, events }) => seen(event, events),
      ),
      client.createFunction(
        { id: "flaky", batchEvents: { maxSize: 2, timeout: "60s" }, triggers: [{ event: `${ns}/flaky` }] },
        async ({ event, events, step, runId }) => {
          const batch = seen(event, events);
          const first = await step.run("first", () => batch.ids.length);
          const flaky = await step.run("flaky", () => {
            flakyCalls.push({ runId, ids: batch.ids });
            if (!flakyFailed.has(runId)) {
              flakyFailed.add(runId);
              throw new Error("transient");
            }
            return batch.ns;
          });
          return { first, flaky, seen: batch };
        },
      ),
      client.createFunction(
        {
          id: "limited",
          batchEvents: { maxSize: 2, timeout: "60s" },
          concurrency: { limit: 1 },
          triggers: [{ event: `${ns}/limited` }],
        },
        async ({ events, step }) =>
          step.run("work", async () => {
            active++;
            maxActive = Math.max(maxActive, active);
            await new Promise((r) => setTimeout(r, 150));
            active--;
            return events.length;
          }),
      ),
      client.createFunction(
        {
          id: "batch-idem",
          batchEvents: { maxSize: 2, timeout: "1s" },
          idempotency: "event.data.n",
          triggers: [{ event: `${ns}/idem` }],
        },
        async () => "should not run",
      ),
    ]);
    await syncApp(app);
  });

  afterAll(async () => {
    await app?.close();
    await engine?.close();
  });

  it("starts one run with all events, in order, once maxSize is reached", async () => {
    const ids = await sendMany(
      engine.url,
      [1, 2, 3].map((n) => ({ name: `${ns}/full`, data: { n } })),
    );
    const [run] = await waitForFinishedRuns(engine.url, ids[0]);
    expect(run.status).toBe("Completed");
    const output = run.output as Seen;
    expect(output.ids).toHaveLength(3);
    expect(output.ids).toEqual(ids);
    expect(output.ns).toEqual([1, 2, 3]);
    for (const id of ids)
      expect((await runsForEvent(engine.url, id)).map((r) => r.run_id)).toEqual([run.run_id]);
  });

  it("starts a partly filled batch once the timeout has passed since its first event", async () => {
    const sentAt = Date.now();
    const first = await sendOne(engine.url, `${ns}/timed`, { n: 1 });
    const second = await sendOne(engine.url, `${ns}/timed`, { n: 2 });
    // Two of ten: nothing runs yet.
    expect(await runsForEvent(engine.url, first)).toHaveLength(0);
    const [run] = await waitForFinishedRuns(engine.url, second);
    expect(run.status).toBe("Completed");
    expect((run.output as Seen).ns).toEqual([1, 2]);
    expect((run.output as Seen).ids).toEqual([first, second]);
    // Loosely: not flushed before the 1 s timeout (minus timer slack).
    expect(timedStarts.get(run.run_id)! - sentAt).toBeGreaterThanOrEqual(900);
  });

  it("keeps one batch per key value", async () => {
    const ids = await sendMany(
      engine.url,
      [
        ["a", 1],
        ["b", 2],
        ["a", 3],
        ["b", 4],
      ].map(([accountId, n]) => ({ name: `${ns}/keyed`, data: { accountId, n } })),
    );
    const [runA] = await waitForFinishedRuns(engine.url, ids[0]);
    const [runB] = await waitForFinishedRuns(engine.url, ids[1]);
    expect(runA.run_id).not.toBe(runB.run_id);
    expect(runA.output).toMatchObject({ accounts: ["a", "a"], ns: [1, 3], ids: [ids[0], ids[2]] });
    expect(runB.output).toMatchObject({ accounts: ["b", "b"], ns: [2, 4], ids: [ids[1], ids[3]] });
    expect((await runsForEvent(engine.url, ids[2]))[0].run_id).toBe(runA.run_id);
    expect((await runsForEvent(engine.url, ids[3]))[0].run_id).toBe(runB.run_id);
  });

  it("runs an event that fails the `if` condition on its own, at once", async () => {
    const [paid] = await sendMany(engine.url, [{ name: `${ns}/conditional`, data: { plan: "paid", n: 1 } }]);
    const [run] = await waitForFinishedRuns(engine.url, paid);
    expect((run.output as Seen).ns).toEqual([1]);
    const free = await sendMany(
      engine.url,
      [2, 3].map((n) => ({ name: `${ns}/conditional`, data: { plan: "free", n } })),
    );
    const [batchRun] = await waitForFinishedRuns(engine.url, free[0]);
    expect((batchRun.output as Seen).ns).toEqual([2, 3]);
  });

  it("retries a failing step of a batched run with the same events", async () => {
    const ids = await sendMany(
      engine.url,
      [7, 8].map((n) => ({ name: `${ns}/flaky`, data: { n } })),
    );
    const [summary] = await waitForFinishedRuns(engine.url, ids[1]);
    expect(summary.status).toBe("Completed");
    expect(summary.output).toMatchObject({ first: 2, flaky: [7, 8], seen: { ids } });
    const calls = flakyCalls.filter((c) => c.runId === summary.run_id);
    expect(calls.length).toBeGreaterThanOrEqual(2);
    for (const call of calls) expect(call.ids).toEqual(ids);
    if (!EXTERNAL_ENGINE) {
      const run = await getRun(engine.url, summary.run_id);
      const step = run.steps.find((s) => s.name === "flaky");
      expect(step?.attempts.map((a) => a.status)).toEqual(["Errored", "Completed"]);
    }
  });

  it("GET /v1/events/:id/runs lists the batch run for every event of the batch", async () => {
    const ids = await sendMany(
      engine.url,
      [1, 2, 3].map((n) => ({ name: `${ns}/full`, data: { n } })),
    );
    const [run] = await waitForFinishedRuns(engine.url, ids[2]);
    for (const id of ids) {
      const runs = await runsForEvent(engine.url, id);
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ run_id: run.run_id, status: "Completed" });
    }
  });

  it("dedupes event ids before batching", async () => {
    const a = `${ns}-a`;
    const ids = await sendMany(engine.url, [
      { name: `${ns}/full`, id: a, data: { n: 1 } },
      { name: `${ns}/full`, id: a, data: { n: 99 } },
      { name: `${ns}/full`, id: `${ns}-b`, data: { n: 2 } },
      { name: `${ns}/full`, id: `${ns}-c`, data: { n: 3 } },
    ]);
    const [run] = await waitForFinishedRuns(engine.url, ids[0]);
    expect(run.output).toMatchObject({ ns: [1, 2, 3], ids: [a, `${ns}-b`, `${ns}-c`] });
    expect(await runsForEvent(engine.url, ids[1])).toHaveLength(0);
  });

  it("batched runs obey concurrency like any run", async () => {
    const ids = await sendMany(
      engine.url,
      [1, 2, 3, 4].map((n) => ({ name: `${ns}/limited`, data: { n } })),
    );
    const [first] = await waitForFinishedRuns(engine.url, ids[0]);
    const [second] = await waitForFinishedRuns(engine.url, ids[2]);
    expect(first.output).toBe(2);
    expect(second.output).toBe(2);
    expect(first.run_id).not.toBe(second.run_id);
    expect(maxActive).toBe(1);
  });

  it.skipIf(!!EXTERNAL_ENGINE)(
    "batchEvents with idempotency fails loudly, as Inngest forbids it",
    async () => {
      const eventId = await sendOne(engine.url, `${ns}/idem`, { n: 1 });
      const [run] = await waitForFinishedRuns(engine.url, eventId);
      expect(run.status).toBe("Failed");
      expect(JSON.stringify(run.error)).toMatch(/batchEvents.*idempotency/);
    },
  );
});

describe("batchEvents logs", () => {
  const lines: Record<string, unknown>[] = [];
  let engine: Awaited<ReturnType<typeof startEngine>>;
  let app: TestApp;

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split("\n")) if (line.trim()) lines.push(JSON.parse(line));
        done();
      },
    });
    engine = await startEngine({ port: 0, dataDir: tempDir(), logger: pino({ level: "info" }, sink) });
    const client = devClient(engine.url);
    app = await serveApp(client, [
      client.createFunction(
        { id: "logged", batchEvents: { maxSize: 2, timeout: "1s" }, triggers: [{ event: "batchlogs/go" }] },
        async ({ events }) => events.length,
      ),
    ]);
    await syncApp(app);
  });

  afterAll(async () => {
    await app?.close();
    await engine?.close();
  });

  it("writes one line per flushed batch with its function, size and reason", async () => {
    const full = await sendMany(engine.url, [
      { name: "batchlogs/go", data: {} },
      { name: "batchlogs/go", data: {} },
    ]);
    const timed = await sendOne(engine.url, "batchlogs/go");
    const [fullRun] = await waitForFinishedRuns(engine.url, full[0]);
    const [timedRun] = await waitForFinishedRuns(engine.url, timed);
    const flushed = lines.filter((l) => l.msg === "batch flushed");
    expect(flushed).toHaveLength(2);
    expect(flushed[0]).toMatchObject({ runId: fullRun.run_id, size: 2, reason: "full" });
    expect(flushed[1]).toMatchObject({ runId: timedRun.run_id, size: 1, reason: "timeout" });
    for (const line of flushed) expect(line.functionId).toMatch(/-logged$/);
  });
});

// ---------------------------------------------------------------- SIGKILL

describe.skipIf(!!EXTERNAL_ENGINE)("batchEvents across SIGKILL", () => {
  let child: ChildProcess | undefined;
  let app: TestApp | undefined;

  afterAll(async () => {
    if (child) await kill(child);
    await app?.close();
  });

  it("a half-filled batch survives SIGKILL + restart with all its events", async () => {
    const port = await freePort();
    const dataDir = tempDir("engine-batch-");
    const engineUrl = `http://127.0.0.1:${port}`;
    const ns = uniqueId("batchkill");
    child = await spawnEngine(port, dataDir);

    const timedStarts = new Map<string, number>();
    const client = devClient(engineUrl);
    app = await serveApp(client, [
      client.createFunction(
        { id: "fill", batchEvents: { maxSize: 3, timeout: "60s" }, triggers: [{ event: `${ns}/fill` }] },
        async ({ event, events }) => seen(event, events),
      ),
      client.createFunction(
        { id: "wait", batchEvents: { maxSize: 10, timeout: "2s" }, triggers: [{ event: `${ns}/wait` }] },
        async ({ event, events, runId }) => {
          if (!timedStarts.has(runId)) timedStarts.set(runId, Date.now());
          return seen(event, events);
        },
      ),
    ]);
    await syncApp(app);

    const sentAt = Date.now();
    const fill = [
      await sendOne(engineUrl, `${ns}/fill`, { n: 1 }),
      await sendOne(engineUrl, `${ns}/fill`, { n: 2 }),
    ];
    const wait = await sendMany(
      engineUrl,
      [1, 2].map((n) => ({ name: `${ns}/wait`, data: { n } })),
    );
    expect(await runsForEvent(engineUrl, fill[0])).toHaveLength(0);
    await kill(child);
    child = await spawnEngine(port, dataDir);

    // Filled up after the restart: one run with the two events from before the kill and the new one.
    fill.push(await sendOne(engineUrl, `${ns}/fill`, { n: 3 }));
    const [fillRun] = await waitForFinishedRuns(engineUrl, fill[0], 1, 20_000);
    expect(fillRun.status).toBe("Completed");
    expect(fillRun.output).toMatchObject({ ns: [1, 2, 3], ids: fill });
    for (const id of fill) expect((await runsForEvent(engineUrl, id))[0].run_id).toBe(fillRun.run_id);

    // Never filled: its timeout (from the first event, before the kill) still starts it.
    const [waitRun] = await waitForFinishedRuns(engineUrl, wait[1], 1, 20_000);
    expect(waitRun.status).toBe("Completed");
    expect(waitRun.output).toMatchObject({ ns: [1, 2], ids: wait });
    expect(timedStarts.get(waitRun.run_id)! - sentAt).toBeGreaterThanOrEqual(1900);
  });
});
