import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  devClient,
  EXTERNAL_ENGINE,
  runsForEvent,
  sendOne,
  serveApp,
  startTestEngine,
  syncApp,
  type TestEngine,
  uniqueId,
  waitForFinishedRuns,
} from "./helpers";

describe("app sync", () => {
  let engine: TestEngine;
  beforeAll(async () => {
    engine = await startTestEngine();
  });
  afterAll(async () => {
    await engine?.close();
  });

  it.skipIf(!!EXTERNAL_ENGINE)("syncs in-band when asked through POST /v0/sync?url=", async () => {
    const client = devClient(engine.url);
    const name = `${uniqueId("inband")}/go`;
    const fn = client.createFunction({ id: "f", triggers: [{ event: name }] }, async () => "in-band");
    const app = await serveApp(client, [fn]);
    try {
      const res = await fetch(`${engine.url}/v0/sync?url=${encodeURIComponent(app.url)}`, { method: "POST" });
      expect(res.status).toBe(200);
      const eventId = await sendOne(engine.url, name);
      const [run] = await waitForFinishedRuns(engine.url, eventId);
      expect(run.output).toBe("in-band");
    } finally {
      await app.close();
    }
  });

  it("syncs out-of-band (PUT → POST /fn/register) and a re-sync replaces the app's functions", async () => {
    const appId = uniqueId("resync");
    const oldName = `${appId}/old`;
    const newName = `${appId}/new`;
    const v1 = devClient(engine.url, appId);
    const app1 = await serveApp(v1, [
      v1.createFunction({ id: "old", triggers: [{ event: oldName }] }, async () => "v1"),
    ]);
    await syncApp(app1);
    const first = await sendOne(engine.url, oldName);
    expect((await waitForFinishedRuns(engine.url, first))[0].output).toBe("v1");
    await app1.close();

    const v2 = devClient(engine.url, appId);
    const app2 = await serveApp(v2, [
      v2.createFunction({ id: "new", triggers: [{ event: newName }] }, async () => "v2"),
    ]);
    try {
      await syncApp(app2);
      const removed = await sendOne(engine.url, oldName);
      const added = await sendOne(engine.url, newName);
      expect((await waitForFinishedRuns(engine.url, added))[0].output).toBe("v2");
      expect(await runsForEvent(engine.url, removed)).toHaveLength(0);
    } finally {
      await app2.close();
    }
  });

  it.skipIf(!!EXTERNAL_ENGINE)("answers the SDK's dev-mode endpoints", async () => {
    expect((await fetch(`${engine.url}/dev`)).status).toBe(200);
    expect((await fetch(`${engine.url}/health`)).status).toBe(200);
    const bad = await fetch(`${engine.url}/fn/register`, {
      method: "POST",
      body: JSON.stringify({ url: "nope" }),
    });
    expect(bad.status).toBe(400);
  });
});
