import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  devClient,
  sendOne,
  serveApp,
  startTestEngine,
  syncApp,
  type TestApp,
  type TestEngine,
  uniqueId,
  waitFor,
  waitForFinishedRuns,
} from "./helpers";

interface FailureArgs {
  error: Error;
  event: { data: { function_id: string; run_id: string; event: { data: unknown } } };
}

describe("failure handling and lifecycle events", () => {
  let engine: TestEngine;
  let app: TestApp;
  const ns = uniqueId("fail");
  const failures: Record<string, unknown>[] = [];
  const finished: Record<string, unknown>[] = [];

  beforeAll(async () => {
    engine = await startTestEngine();
    const client = devClient(engine.url);
    app = await serveApp(client, [
      client.createFunction(
        {
          id: "doomed",
          retries: 0,
          triggers: [{ event: `${ns}/doomed` }],
          onFailure: async ({ event, error }: FailureArgs) => {
            failures.push({
              functionId: event.data.function_id,
              runId: event.data.run_id,
              message: error.message,
              original: event.data.event.data,
            });
          },
        },
        async () => {
          throw new Error("it broke");
        },
      ),
      client.createFunction({ id: "fine", triggers: [{ event: `${ns}/fine` }] }, async () => ({ ok: true })),
      client.createFunction(
        { id: "observer", triggers: [{ event: "inngest/function.finished" }] },
        async ({ event }) => {
          finished.push(event.data as Record<string, unknown>);
        },
      ),
    ]);
    await syncApp(app);
  });

  afterAll(async () => {
    await app?.close();
    await engine?.close();
  });

  it("runs the onFailure handler with inngest/function.failed", async () => {
    const eventId = await sendOne(engine.url, `${ns}/doomed`, { orderId: 7 });
    const [run] = await waitForFinishedRuns(engine.url, eventId);
    expect(run.status).toBe("Failed");
    const failure = await waitFor("onFailure handler", async () =>
      failures.find((f) => f.runId === run.run_id),
    );
    expect(failure.message).toContain("it broke");
    expect(String(failure.functionId)).toMatch(/-doomed$/);
    expect(failure.original).toEqual({ orderId: 7 });
  });

  it("emits inngest/function.finished with the result", async () => {
    const eventId = await sendOne(engine.url, `${ns}/fine`);
    const [run] = await waitForFinishedRuns(engine.url, eventId);
    const event = await waitFor("function.finished", async () =>
      finished.find((f) => f.run_id === run.run_id),
    );
    expect(event.result).toEqual({ ok: true });
    expect(String(event.function_id)).toMatch(/-fine$/);
  });
});
