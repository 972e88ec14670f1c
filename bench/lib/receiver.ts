import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The benchmark's webhook receiver: node:http, answers 200 at once, and remembers the first arrival
 * time of every webhook-id (retries reuse the id, so a second arrival is a duplicate, not a delivery).
 */
export type BenchReceiver = {
  url: string;
  /** webhook-id → first arrival (performance.now()). */
  readonly firstArrival: Map<string, number>;
  readonly stats: { requests: number; duplicates: number; bytes: number };
  /** Resolves when `count` distinct webhook-ids arrived, or rejects after `timeoutMs`. */
  waitForDistinct(count: number, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
};

export async function startBenchReceiver(): Promise<BenchReceiver> {
  const firstArrival = new Map<string, number>();
  const stats = { requests: 0, duplicates: 0, bytes: 0 };
  let waiter: { count: number; resolve: () => void } | undefined;
  const server = http.createServer((req, res) => {
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
    });
    req.on("end", () => {
      const now = performance.now();
      stats.requests++;
      stats.bytes += size;
      const id = req.headers["webhook-id"];
      // Only the benchmark's own integrations count (the demo seed's posts to /demo, the ceiling to /ceiling).
      if (typeof id === "string" && req.url?.startsWith("/hooks/")) {
        if (firstArrival.has(id)) stats.duplicates++;
        else firstArrival.set(id, now);
      }
      res.writeHead(200, { "content-type": "application/json", "content-length": 11 }).end('{"ok":true}');
      if (waiter && firstArrival.size >= waiter.count) {
        const w = waiter;
        waiter = undefined;
        w.resolve();
      }
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    firstArrival,
    stats,
    waitForDistinct: (count, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        if (firstArrival.size >= count) return resolve();
        const timer = setTimeout(() => {
          waiter = undefined;
          reject(
            new Error(`only ${firstArrival.size} of ${count} deliveries arrived within ${timeoutMs} ms`),
          );
        }, timeoutMs);
        waiter = {
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        };
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
