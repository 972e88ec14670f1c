import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEngine } from "../../engine/server";
import {
  devClient,
  sendOne,
  serveApp,
  syncApp,
  type TestApp,
  tempDir,
  waitFor,
  waitForFinishedRuns,
} from "./helpers";

describe("structured logs", () => {
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
    engine = await startEngine({
      port: 0,
      dataDir: tempDir(),
      retryIntervalMs: 100,
      logger: pino({ level: "info" }, sink),
    });
    const client = devClient(engine.url);
    let calls = 0;
    app = await serveApp(client, [
      client.createFunction(
        { id: "logged", retries: 1, triggers: [{ event: "logs/go" }] },
        async ({ step }) => {
          await step.run("flaky", () => {
            if (++calls === 1) throw new Error("once");
          });
          await step.sleep("nap", "1s");
          throw new Error("final");
        },
      ),
    ]);
    await syncApp(app);
  });

  afterAll(async () => {
    await app?.close();
    await engine?.close();
  });

  it("writes one JSON line per run transition", async () => {
    const eventId = await sendOne(engine.url, "logs/go");
    const [run] = await waitForFinishedRuns(engine.url, eventId);
    const transitions = await waitFor("the failed transition", async () => {
      const seen = lines.filter((l) => l.runId === run.run_id).map((l) => l.transition);
      return seen.includes("failed") ? seen : undefined;
    });
    for (const t of ["queued", "started", "step retry scheduled", "step completed", "sleeping", "failed"]) {
      expect(transitions).toContain(t);
    }
  });
});
