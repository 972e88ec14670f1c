import { randomBytes } from "node:crypto";
import { Inngest } from "inngest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalJson, hashedSigningKey } from "../../engine/signing";
import {
  EXTERNAL_ENGINE,
  sendOne,
  serveApp,
  silentLogger,
  startTestEngine,
  type TestApp,
  type TestEngine,
  uniqueId,
  waitForFinishedRuns,
} from "./helpers";

const signingKey = `signkey-test-${randomBytes(32).toString("hex")}`;
const auth = { authorization: `Bearer ${signingKey}` };

describe.skipIf(!!EXTERNAL_ENGINE)("signing (cloud mode)", () => {
  let engine: TestEngine;
  let app: TestApp;
  const ns = uniqueId("signed");

  beforeAll(async () => {
    engine = await startTestEngine({ signingKey, eventKey: "test-key" });
    const client = new Inngest({
      id: ns,
      isDev: false,
      signingKey,
      eventKey: "test-key",
      baseUrl: engine.url,
      logger: silentLogger(),
    });
    const fn = client.createFunction(
      { id: "signed", triggers: [{ event: `${ns}/go` }] },
      async ({ step }) => {
        const a = await step.run("one", () => 20);
        return step.run("two", () => a + 1);
      },
    );
    app = await serveApp(client, [fn]);
  });

  afterAll(async () => {
    await app?.close();
    await engine?.close();
  });

  it("syncs in-band with a signed request and runs a function whose requests the SDK verifies", async () => {
    const res = await fetch(`${engine.url}/v0/sync?url=${encodeURIComponent(app.url)}`, {
      method: "POST",
      headers: auth,
    });
    expect(res.status).toBe(200);
    const eventId = await sendOne(engine.url, `${ns}/go`);
    const [run] = await waitForFinishedRuns(engine.url, eventId, 1, undefined, auth);
    expect(run.status).toBe("Completed");
    expect(run.output).toBe(21);
  });

  it("syncs out-of-band with the SDK's bearer token", async () => {
    const res = await fetch(app.url, { method: "PUT" });
    expect(res.status).toBe(200);
  });

  it("rejects SDK endpoints without the right bearer token", async () => {
    const body = JSON.stringify({ url: app.url, appName: ns, functions: [] });
    const none = await fetch(`${engine.url}/fn/register`, { method: "POST", body });
    expect(none.status).toBe(401);
    const wrong = await fetch(`${engine.url}/fn/register`, {
      method: "POST",
      body,
      headers: { authorization: `Bearer ${hashedSigningKey(`signkey-test-${"ab".repeat(32)}`)}` },
    });
    expect(wrong.status).toBe(401);
  });

  it("an unsigned execution request is refused by the SDK (401)", async () => {
    const res = await fetch(`${app.url}?fnId=${ns}-signed&stepId=step`, { method: "POST", body: "{}" });
    expect(res.status).toBe(401);
  });

  it("canonical JSON sorts keys recursively", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: "x" } })).toBe(
      '{"a":{"c":"x","d":[2,{"y":2,"z":1}]},"b":1}',
    );
  });
});
