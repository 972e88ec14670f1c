import { NonRetriableError, RetryAfterError } from "inngest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  devClient,
  getRun,
  RETRY_INTERVAL_MS,
  sendOne,
  serveApp,
  startTestEngine,
  syncApp,
  type TestApp,
  type TestEngine,
  waitForFinishedRuns,
} from "./helpers";

describe("run protocol", () => {
  let engine: TestEngine;
  let app: TestApp;
  const attemptTimes: number[] = [];
  let flakyCalls = 0;
  let fnErrorCalls = 0;

  beforeAll(async () => {
    engine = await startTestEngine();
    const client = devClient(engine.url);
    const fns = [
      client.createFunction({ id: "three-steps", triggers: [{ event: "runs/three" }] }, async ({ step }) => {
        const a = await step.run("first", () => 1);
        const b = await step.run("second", () => {
          flakyCalls++;
          if (flakyCalls <= 2) throw new Error(`flaky ${flakyCalls}`);
          return a + 1;
        });
        const c = await step.run("third", () => b + 1);
        return { a, b, c };
      }),
      client.createFunction(
        { id: "step-failed", retries: 0, triggers: [{ event: "runs/step-failed" }] },
        async ({ step }) => {
          try {
            await step.run("doomed", () => {
              throw new NonRetriableError("no way");
            });
          } catch (error) {
            return { caught: (error as Error).message };
          }
          return "unreachable";
        },
      ),
      client.createFunction(
        { id: "exhausted", retries: 1, triggers: [{ event: "runs/exhausted" }] },
        async ({ step }) => {
          await step.run("always-fails", () => {
            throw new Error("boom");
          });
        },
      ),
      client.createFunction({ id: "parallel", triggers: [{ event: "runs/parallel" }] }, async ({ step }) => {
        const [x, y, z] = await Promise.all([
          step.run("x", () => "x"),
          step.run("y", () => "y"),
          step.run("z", () => "z"),
        ]);
        const after = await step.run("after", () => `${x}${y}${z}`);
        return after;
      }),
      client.createFunction({ id: "sleeper", triggers: [{ event: "runs/sleep" }] }, async ({ step }) => {
        const before = await step.run("before", () => Date.now());
        await step.sleep("nap", "1s");
        const slept = await step.run("measure", () => Date.now() - before);
        return { slept };
      }),
      client.createFunction({ id: "waiter", triggers: [{ event: "runs/wait" }] }, async ({ step, event }) => {
        const match = await step.waitForEvent("approval", {
          event: "runs/approved",
          timeout: "30s",
          if: `async.data.orderId == event.data.orderId && async.data.ok == true`,
        });
        const timedOut = await step.waitForEvent("never", { event: "runs/never", timeout: "1s" });
        return { got: match?.data ?? null, timedOut, orderId: event.data.orderId };
      }),
      client.createFunction(
        { id: "child", triggers: [{ event: "runs/child-direct" }] },
        async ({ event, step }) => {
          return step.run("double", () => (event.data.n as number) * 2);
        },
      ),
      client.createFunction({ id: "fn-error", triggers: [{ event: "runs/fn-error" }] }, async () => {
        fnErrorCalls++;
        if (fnErrorCalls < 2) throw new Error("outside a step");
        return "recovered";
      }),
      client.createFunction(
        { id: "non-retriable", triggers: [{ event: "runs/non-retriable" }] },
        async () => {
          throw new NonRetriableError("stop now");
        },
      ),
      client.createFunction(
        { id: "retry-after", triggers: [{ event: "runs/retry-after" }] },
        async ({ step }) => {
          return step.run("slow-down", () => {
            attemptTimes.push(Date.now());
            if (attemptTimes.length === 1) throw new RetryAfterError("busy", "2s");
            return "ok";
          });
        },
      ),
    ];
    const invoker = client.createFunction(
      { id: "invoker", triggers: [{ event: "runs/invoke" }] },
      async ({ step }) => {
        const doubled = await step.invoke("call-child", { function: fns[6], data: { n: 21 } });
        return { doubled };
      },
    );
    app = await serveApp(client, [...fns, invoker]);
    await syncApp(app);
  });

  afterAll(async () => {
    await app?.close();
    await engine?.close();
  });

  it("a 3-step function whose second step fails twice completes, with 3 attempts of that step visible in the read API, under the fixed retry interval", async () => {
    const started = Date.now();
    const eventId = await sendOne(engine.url, "runs/three");
    const [summary] = await waitForFinishedRuns(engine.url, eventId);
    expect(summary.status).toBe("Completed");
    expect(summary.output).toEqual({ a: 1, b: 2, c: 3 });
    const run = await getRun(engine.url, summary.run_id);
    const second = run.steps.find((s) => s.name === "second");
    expect(second?.status).toBe("Completed");
    expect(second?.attempts.map((a) => a.status)).toEqual(["Errored", "Errored", "Completed"]);
    expect(run.steps.map((s) => s.name)).toEqual(["first", "second", "third"]);
    // Two retries at the fixed interval, far below Inngest's 15 s first backoff.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * RETRY_INTERVAL_MS);
  });

  it("StepFailed memoises the error so user code can catch it", async () => {
    const eventId = await sendOne(engine.url, "runs/step-failed");
    const [run] = await waitForFinishedRuns(engine.url, eventId);
    expect(run.status).toBe("Completed");
    expect(run.output).toEqual({ caught: "no way" });
  });

  it("retries config bounds the attempts of a step (retries: 1 → 2 attempts) and then fails the run", async () => {
    const eventId = await sendOne(engine.url, "runs/exhausted");
    const [summary] = await waitForFinishedRuns(engine.url, eventId);
    expect(summary.status).toBe("Failed");
    const run = await getRun(engine.url, summary.run_id);
    expect(run.steps[0].attempts).toHaveLength(2);
    expect(JSON.stringify(summary.error)).toContain("boom");
  });

  it("runs parallel steps (StepPlanned) and re-discovers only after all settled", async () => {
    const eventId = await sendOne(engine.url, "runs/parallel");
    const [summary] = await waitForFinishedRuns(engine.url, eventId);
    expect(summary.status).toBe("Completed");
    expect(summary.output).toBe("xyz");
    const run = await getRun(engine.url, summary.run_id);
    expect(run.steps.map((s) => s.name).sort()).toEqual(["after", "x", "y", "z"]);
  });

  it("sleeps", async () => {
    const eventId = await sendOne(engine.url, "runs/sleep");
    const [summary] = await waitForFinishedRuns(engine.url, eventId);
    expect(summary.status).toBe("Completed");
    expect((summary.output as { slept: number }).slept).toBeGreaterThanOrEqual(900);
  });

  it("waitForEvent resumes on a matching event and times out to null", async () => {
    const eventId = await sendOne(engine.url, "runs/wait", { orderId: "o-1" });
    // Wait until the run is parked on the wait before sending candidates.
    await waitForStep(engine.url, eventId, "approval", "Waiting");
    await sendOne(engine.url, "runs/approved", { orderId: "o-2", ok: true });
    await sendOne(engine.url, "runs/approved", { orderId: "o-1", ok: false });
    await sendOne(engine.url, "runs/approved", { orderId: "o-1", ok: true });
    const [summary] = await waitForFinishedRuns(engine.url, eventId);
    expect(summary.status).toBe("Completed");
    expect(summary.output).toEqual({ got: { orderId: "o-1", ok: true }, timedOut: null, orderId: "o-1" });
  });

  it("invokes another function and gets its result", async () => {
    const eventId = await sendOne(engine.url, "runs/invoke");
    const [summary] = await waitForFinishedRuns(engine.url, eventId);
    expect(summary.status).toBe("Completed");
    expect(summary.output).toEqual({ doubled: 42 });
  });

  it("retries a function-level error (500) and completes", async () => {
    const eventId = await sendOne(engine.url, "runs/fn-error");
    const [summary] = await waitForFinishedRuns(engine.url, eventId);
    expect(summary.status).toBe("Completed");
    expect(summary.output).toBe("recovered");
  });

  it("fails at once on a non-retriable answer (400 + x-inngest-no-retry)", async () => {
    const eventId = await sendOne(engine.url, "runs/non-retriable");
    const [summary] = await waitForFinishedRuns(engine.url, eventId);
    expect(summary.status).toBe("Failed");
    expect(JSON.stringify(summary.error)).toContain("stop now");
  });

  it("honours Retry-After over the fixed retry interval", async () => {
    const eventId = await sendOne(engine.url, "runs/retry-after");
    const [summary] = await waitForFinishedRuns(engine.url, eventId);
    expect(summary.status).toBe("Completed");
    expect(attemptTimes).toHaveLength(2);
    expect(attemptTimes[1] - attemptTimes[0]).toBeGreaterThanOrEqual(1500);
  });
});

async function waitForStep(engineUrl: string, eventId: string, name: string, status: string) {
  const { waitFor, runsForEvent } = await import("./helpers");
  await waitFor(`step ${name} ${status}`, async () => {
    const [run] = await runsForEvent(engineUrl, eventId);
    if (!run) return undefined;
    const detail = await getRun(engineUrl, run.run_id);
    return detail.steps.some((s) => s.name === name && s.status === status) ? true : undefined;
  });
}
