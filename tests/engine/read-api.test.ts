import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  devClient,
  EXTERNAL_ENGINE,
  getJson,
  sendOne,
  serveApp,
  startTestEngine,
  syncApp,
  type TestApp,
  type TestEngine,
  uniqueId,
  waitForFinishedRuns,
} from "./helpers";

describe("read API and UI", () => {
  let engine: TestEngine;
  let app: TestApp;
  const ns = uniqueId("read");

  beforeAll(async () => {
    engine = await startTestEngine();
    const client = devClient(engine.url);
    app = await serveApp(client, [
      client.createFunction({ id: "shape", triggers: [{ event: `${ns}/go` }] }, async ({ step }) => {
        await step.run("fetch-<thing>", () => "v");
        return { done: true };
      }),
    ]);
    await syncApp(app);
  });

  afterAll(async () => {
    await app?.close();
    await engine?.close();
  });

  it("GET /v1/events/:id/runs and GET /v1/runs/:id are shaped like Inngest REST v1", async () => {
    const eventId = await sendOne(engine.url, `${ns}/go`);
    const [summary] = await waitForFinishedRuns(engine.url, eventId);
    expect(summary).toMatchObject({ status: "Completed", output: { done: true } });
    const { status, body } = await getJson<{ data: Record<string, unknown> }>(
      `${engine.url}/v1/runs/${summary.run_id}`,
    );
    expect(status).toBe(200);
    expect(body.data).toMatchObject({
      run_id: summary.run_id,
      status: "Completed",
      output: { done: true },
      event_id: eventId,
    });
    if (!EXTERNAL_ENGINE) {
      expect(body.data.function_id).toMatch(/-shape$/);
      expect(typeof body.data.started_at).toBe("string");
      expect(typeof body.data.ended_at).toBe("string");
      expect(body.data.steps).toEqual([
        expect.objectContaining({
          name: "fetch-<thing>",
          status: "Completed",
          attempts: [expect.objectContaining({ status: "Completed" })],
        }),
      ]);
    }
    expect((await fetch(`${engine.url}/v1/runs/nope`)).status).toBe(404);
  });

  it.skipIf(!!EXTERNAL_ENGINE)("GET / lists recent runs and their steps as escaped HTML", async () => {
    const eventId = await sendOne(engine.url, `${ns}/go`);
    const [summary] = await waitForFinishedRuns(engine.url, eventId);
    const res = await fetch(`${engine.url}/`);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain(summary.run_id);
    expect(html).toContain("fetch-&#60;thing&#62;");
    expect(html).not.toContain("fetch-<thing>");
  });
});
