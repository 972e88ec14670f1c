import type { ChildProcess } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/free-port";
import {
  devClient,
  EXTERNAL_ENGINE,
  getRun,
  kill,
  runsForEvent,
  sendOne,
  serveApp,
  spawnEngine,
  syncApp,
  type TestApp,
  tempDir,
  waitFor,
  waitForFinishedRuns,
} from "./helpers";

describe.skipIf(!!EXTERNAL_ENGINE)("durability across SIGKILL", () => {
  let child: ChildProcess | undefined;
  let app: TestApp | undefined;

  afterAll(async () => {
    if (child) await kill(child);
    await app?.close();
  });

  it("SIGKILL mid-run + restart completes the run, and an event accepted just before the kill runs", async () => {
    const port = await freePort();
    const dataDir = tempDir("engine-durable-");
    const engineUrl = `http://127.0.0.1:${port}`;
    child = await spawnEngine(port, dataDir);

    let releaseGate: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      releaseGate = resolve;
    });
    let gateReached = false;
    let blockingCalls = 0;

    const client = devClient(engineUrl);
    const blocking = client.createFunction(
      { id: "blocking", triggers: [{ event: "durable/block" }] },
      async ({ step }) => {
        const a = await step.run("before-kill", () => "a");
        const b = await step.run("in-flight", async () => {
          blockingCalls++;
          gateReached = true;
          await gate;
          return "b";
        });
        return `${a}${b}`;
      },
    );
    const sleeper = client.createFunction(
      { id: "sleeper", triggers: [{ event: "durable/sleep" }] },
      async ({ step }) => {
        await step.sleep("nap", "2s");
        return "rested";
      },
    );
    const simple = client.createFunction(
      { id: "simple", triggers: [{ event: "durable/simple" }] },
      async ({ step }) => {
        return step.run("only", () => "done");
      },
    );
    app = await serveApp(client, [blocking, sleeper, simple]);
    await syncApp(app);

    const blockingEvent = await sendOne(engineUrl, "durable/block");
    const sleepingEvent = await sendOne(engineUrl, "durable/sleep");
    await waitFor("the in-flight step to start", async () => (gateReached ? true : undefined));
    await waitFor("the sleeper to sleep", async () => {
      const [run] = await runsForEvent(engineUrl, sleepingEvent);
      if (!run) return undefined;
      const detail = await getRun(engineUrl, run.run_id);
      return detail.steps.some((s) => s.status === "Sleeping") ? true : undefined;
    });
    // Accepted (200) immediately before the kill: must survive it.
    const lastEvent = await sendOne(engineUrl, "durable/simple");
    await kill(child);

    releaseGate();
    child = await spawnEngine(port, dataDir);

    const [blockingRun] = await waitForFinishedRuns(engineUrl, blockingEvent, 1, 40_000);
    expect(blockingRun.status).toBe("Completed");
    expect(blockingRun.output).toBe("ab");
    // The step in flight at kill time ran again after the restart.
    expect(blockingCalls).toBeGreaterThanOrEqual(2);

    const [sleepRun] = await waitForFinishedRuns(engineUrl, sleepingEvent, 1, 20_000);
    expect(sleepRun.status).toBe("Completed");
    expect(sleepRun.output).toBe("rested");

    const [lastRun] = await waitForFinishedRuns(engineUrl, lastEvent, 1, 20_000);
    expect(lastRun.status).toBe("Completed");
    expect(lastRun.output).toBe("done");
  });
});
