import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  devClient,
  EXTERNAL_ENGINE,
  sendOne,
  serveApp,
  startTestEngine,
  syncApp,
  type TestApp,
  type TestEngine,
  uniqueId,
  waitForFinishedRuns,
} from "./helpers";

describe.skipIf(!!EXTERNAL_ENGINE)("unsupported features fail loudly", () => {
  let engine: TestEngine;
  let app: TestApp;
  const ns = uniqueId("unsup");

  beforeAll(async () => {
    engine = await startTestEngine();
    const client = devClient(engine.url);
    app = await serveApp(client, [
      client.createFunction(
        { id: "debounced", debounce: { period: "5s" }, triggers: [{ event: `${ns}/debounce` }] },
        async () => "should not run",
      ),
      client.createFunction({ id: "signal", triggers: [{ event: `${ns}/signal` }] }, async ({ step }) => {
        await step.waitForSignal("sig", { signal: "go", timeout: "1m" });
        return "should not finish";
      }),
      client.createFunction(
        { id: "bad-expression", triggers: [{ event: `${ns}/expr`, if: "size(event.data.items) > 0" }] },
        async () => "should not run",
      ),
    ]);
    await syncApp(app);
  });

  afterAll(async () => {
    await app?.close();
    await engine?.close();
  });

  it.each([
    ["an unsupported function option", "debounce", /debounce/],
    ["an unknown opcode", "signal", /WaitForSignal/],
    ["an unsupported trigger expression", "expr", /size/],
  ])("%s marks the run failed with a reason", async (_label, event, reason) => {
    const eventId = await sendOne(engine.url, `${ns}/${event}`);
    const [run] = await waitForFinishedRuns(engine.url, eventId);
    expect(run.status).toBe("Failed");
    expect(JSON.stringify(run.error)).toMatch(reason);
  });
});
