import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { flushOutboxOnceSynced } from "../../scripts/flush-outbox.mjs";

type Seen = { method: string; path: string; body: string; functionsListed: boolean };

/** An engine stand-in: GET /dev lists no functions until `sync()`, POST /e/:key records the event. */
async function fakeEngine() {
  let synced = false;
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      seen.push({ method: req.method ?? "", path: req.url ?? "", body, functionsListed: synced });
      if (req.method === "GET" && req.url === "/dev") {
        const functions = synced
          ? [
              { id: "fixed-service-fan-out", app: "fixed-service" },
              { id: "fixed-service-redispatch-outbox", app: "fixed-service" },
            ]
          : [];
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ functions }));
        return;
      }
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ ids: ["1"], status: 200 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    sync: () => {
      synced = true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let engine: Awaited<ReturnType<typeof fakeEngine>> | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

describe("the outbox flush npm run dev sends at start", () => {
  it("waits until the engine has the outbox function, then asks for one flush", async () => {
    engine = await fakeEngine();
    const e = engine;
    const flushed = flushOutboxOnceSynced({ engineUrl: e.url, eventKey: "dev", intervalMs: 20 });
    await expect.poll(() => e.seen.filter((r) => r.path === "/dev").length).toBeGreaterThanOrEqual(3);
    expect(e.seen.some((r) => r.method === "POST")).toBe(false);

    e.sync();
    expect(await flushed).toBe(true);
    const posts = e.seen.filter((r) => r.method === "POST");
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ path: "/e/dev", functionsListed: true });
    expect(JSON.parse(posts[0].body)).toEqual({
      name: "webhooks/outbox.flush_requested",
      data: { reason: "startup" },
    });
  });

  it("says nothing while the engine is not up yet, and gives up when told", async () => {
    const stop = new AbortController();
    const errors: unknown[] = [];
    const flushed = flushOutboxOnceSynced({
      engineUrl: "http://127.0.0.1:1",
      intervalMs: 10,
      signal: stop.signal,
      onError: (error) => errors.push(error),
    });
    stop.abort();
    expect(await flushed).toBe(false);
    expect(errors).toEqual([]);
  });
});
