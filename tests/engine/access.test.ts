import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEngine } from "../../engine/server";
import { hashedSigningKey } from "../../engine/signing";
import { EXTERNAL_ENGINE, startTestEngine, type TestEngine, tempDir, uniqueId } from "./helpers";

/** A raw HTTP request, so the test can send the Host and Origin a browser page would. */
function raw(
  engineUrl: string,
  method: string,
  pathname: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(engineUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, method, path: pathname, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

function journal(engine: TestEngine): string {
  const file = path.join(engine.dataDir, "journal.jsonl");
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
}

const event = (name: string) => JSON.stringify({ name, data: {} });

describe.skipIf(!!EXTERNAL_ENGINE)("engine access: browser pages cannot drive a dev engine", () => {
  let engine: TestEngine;
  beforeAll(async () => {
    engine = await startTestEngine({ allowedHosts: ["inngest"] });
  });
  afterAll(async () => engine?.close());

  it("a cross-site form or fetch (Origin of another site) is refused and stores nothing", async () => {
    const evil = uniqueId("csrf");
    for (const headers of <Record<string, string>[]>[
      { origin: "https://evil.example", "content-type": "text/plain" },
      { origin: "null", "content-type": "text/plain" },
      { origin: "http://localhost:3000", "content-type": "text/plain" },
      { "sec-fetch-site": "cross-site", "content-type": "text/plain" },
    ]) {
      const res = await raw(engine.url, "POST", "/e/key", headers, event(`${evil}/go`));
      expect(res.status, JSON.stringify(headers)).toBe(403);
    }
    const marker = uniqueId("marker");
    expect((await raw(engine.url, "POST", "/e/key", {}, event(`${marker}/go`))).status).toBe(200);
    expect(journal(engine)).toContain(marker);
    expect(journal(engine)).not.toContain(evil);
  });

  it("DNS rebinding (a foreign Host) cannot read runs, the page, or cancel", async () => {
    const rebound = { host: `evil.example:${new URL(engine.url).port}` };
    for (const [method, pathname] of [
      ["GET", "/"],
      ["GET", "/v1/runs/01ABC"],
      ["GET", "/v1/events/01ABC/runs"],
      ["DELETE", "/v1/runs/01ABC"],
      ["POST", "/v0/sync?url=http://127.0.0.1:1/api/inngest"],
    ] as const) {
      const res = await raw(engine.url, method, pathname, rebound);
      expect(res.status, `${method} ${pathname}`).toBe(403);
      expect(JSON.parse(res.body)).toMatchObject({ error: expect.stringContaining("not allowed") });
    }
  });

  it("the SDK, curl, the engine's own page and configured host names still get through", async () => {
    const port = new URL(engine.url).port;
    for (const headers of <Record<string, string>[]>[
      {},
      { host: `localhost:${port}` },
      { host: `[::1]:${port}` },
      { host: `inngest:${port}` },
      { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}`, "sec-fetch-site": "same-origin" },
    ]) {
      expect((await raw(engine.url, "GET", "/", headers)).status, JSON.stringify(headers)).toBe(200);
    }
  });
});

describe.skipIf(!!EXTERNAL_ENGINE)("engine access: keys", () => {
  const signingKey = `signkey-test-${randomBytes(32).toString("hex")}`;
  const eventKey = `evt-${randomBytes(8).toString("hex")}`;
  let dev: TestEngine;
  let cloud: TestEngine;
  beforeAll(async () => {
    dev = await startTestEngine({ eventKey });
    cloud = await startTestEngine({ signingKey, eventKey });
  });
  afterAll(async () => {
    await dev?.close();
    await cloud?.close();
  });

  it.each(["dev", "cloud"] as const)(
    "with an event key configured (%s), the event API requires it",
    async (which) => {
      const engine = which === "dev" ? dev : cloud;
      const name = uniqueId("keyed");
      const wrong = await raw(engine.url, "POST", "/e/NO_EVENT_KEY_SET", {}, event(`${name}/wrong`));
      expect(wrong.status).toBe(401);
      expect(JSON.parse(wrong.body)).toMatchObject({ error: "invalid event key" });
      expect((await raw(engine.url, "POST", `/e/${eventKey}x`, {}, event(`${name}/wrong`))).status).toBe(401);
      expect((await raw(engine.url, "POST", `/e/${eventKey}`, {}, event(`${name}/right`))).status).toBe(200);
      expect(journal(engine)).toContain(`${name}/right`);
      expect(journal(engine)).not.toContain(`${name}/wrong`);
    },
  );

  it("cloud mode: sync, run and event reads, cancels and the page require the signing key", async () => {
    const endpoints = [
      ["POST", "/v0/sync?url=http://127.0.0.1:1/api/inngest"],
      ["GET", "/v1/runs/01ABC"],
      ["GET", "/v1/events/01ABC"],
      ["GET", "/v1/events/01ABC/runs"],
      ["DELETE", "/v1/runs/01ABC"],
      ["GET", "/"],
    ] as const;
    const wrong = `signkey-test-${"ab".repeat(32)}`;
    for (const [method, pathname] of endpoints) {
      for (const headers of <Record<string, string>[]>[
        {},
        { authorization: `Bearer ${wrong}` },
        { authorization: "Bearer " },
      ]) {
        const res = await raw(cloud.url, method, pathname, headers);
        expect(res.status, `${method} ${pathname} ${JSON.stringify(headers)}`).toBe(401);
      }
      for (const token of [signingKey, hashedSigningKey(signingKey)]) {
        const res = await raw(cloud.url, method, pathname, { authorization: `Bearer ${token}` });
        expect(res.status, `${method} ${pathname} with the key`).not.toBe(401);
      }
    }
  });

  it("cloud mode without an event key refuses to start, naming the variable", async () => {
    await expect(
      startEngine({ port: 0, dataDir: tempDir(), signingKey, logger: pino({ level: "silent" }) }),
    ).rejects.toThrow(/INNGEST_EVENT_KEY is required with INNGEST_SIGNING_KEY/);
  });
});
