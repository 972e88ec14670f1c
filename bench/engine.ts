/**
 * Local engine benchmark: a 3-step function served by the real SDK, driven through the engine over HTTP.
 * Prints runs/s, step round-trips/s and the median overhead per step against calling the steps directly,
 * and writes bench/results/engine.json.
 */
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Inngest } from "inngest";
import { serve } from "inngest/node";
import pino from "pino";
import { startEngine } from "../engine/server";

const SEQUENTIAL_RUNS = Number(process.env.BENCH_SEQUENTIAL ?? 50);
const PARALLEL_RUNS = Number(process.env.BENCH_PARALLEL ?? 300);
const noop = () => {};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-bench-"));
  const engine = await startEngine({
    port: 0,
    dataDir,
    retryIntervalMs: 200,
    logger: pino({ level: "silent" }),
  });
  const client = new Inngest({
    id: "bench",
    isDev: true,
    baseUrl: engine.url,
    logger: { info: noop, warn: noop, error: noop, debug: noop },
  });

  const done = new Map<string, () => void>();
  const steps = async (run: <T>(id: string, fn: () => T) => Promise<T>, key: string) => {
    const a = await run("one", () => 1);
    const b = await run("two", () => a + 1);
    return run("three", () => {
      done.get(key)?.();
      return b + 1;
    });
  };
  const fn = client.createFunction(
    { id: "three-steps", triggers: [{ event: "bench/go" }] },
    async ({ step, event }) => steps((id, f) => step.run(id, f) as never, event.data.key as string),
  );

  let sdkRequests = 0;
  const handler = serve({ client, functions: [fn] });
  const appServer = http.createServer((req, res) => {
    if (req.method === "POST") sdkRequests++;
    handler(req, res);
  });
  await new Promise<void>((r) => appServer.listen(0, "127.0.0.1", () => r()));
  const appUrl = `http://127.0.0.1:${(appServer.address() as AddressInfo).port}/api/inngest`;
  await engine.sync(appUrl);

  const send = async (keys: string[]) => {
    const res = await fetch(`${engine.url}/e/bench`, {
      method: "POST",
      body: JSON.stringify(keys.map((key) => ({ name: "bench/go", data: { key } }))),
    });
    if (!res.ok) throw new Error(`send failed ${res.status}`);
  };
  const completion = (key: string) => new Promise<void>((resolve) => done.set(key, resolve));

  // Baseline: the same three steps called directly, no engine and no HTTP.
  const direct: number[] = [];
  for (let i = 0; i < SEQUENTIAL_RUNS; i++) {
    const t = performance.now();
    await steps(async (_id, f) => f(), `direct-${i}`);
    direct.push(performance.now() - t);
  }

  // Warm-up, then sequential latency: event accepted → third step executed.
  for (let i = 0; i < 5; i++) {
    const key = `warm-${i}`;
    const p = completion(key);
    await send([key]);
    await p;
  }
  const latency: number[] = [];
  for (let i = 0; i < SEQUENTIAL_RUNS; i++) {
    const key = `seq-${i}`;
    const p = completion(key);
    const t = performance.now();
    await send([key]);
    await p;
    latency.push(performance.now() - t);
  }

  // Throughput: many runs in flight at once.
  const keys = Array.from({ length: PARALLEL_RUNS }, (_, i) => `par-${i}`);
  const all = Promise.all(keys.map(completion));
  const requestsBefore = sdkRequests;
  const t0 = performance.now();
  for (let i = 0; i < keys.length; i += 50) await send(keys.slice(i, i + 50));
  await all;
  const seconds = (performance.now() - t0) / 1000;
  const requests = sdkRequests - requestsBefore;

  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    runs: { sequential: SEQUENTIAL_RUNS, parallel: PARALLEL_RUNS },
    runsPerSecond: Number((PARALLEL_RUNS / seconds).toFixed(1)),
    stepRoundTripsPerSecond: Number(((PARALLEL_RUNS * 3) / seconds).toFixed(1)),
    sdkRequestsPerSecond: Number((requests / seconds).toFixed(1)),
    sdkRequestsPerRun: Number((requests / PARALLEL_RUNS).toFixed(2)),
    medianRunLatencyMs: Number(median(latency).toFixed(2)),
    medianDirectMs: Number(median(direct).toFixed(3)),
    medianOverheadPerStepMs: Number(((median(latency) - median(direct)) / 3).toFixed(2)),
  };

  console.table({
    "runs/s (3-step function)": result.runsPerSecond,
    "step round-trips/s": result.stepRoundTripsPerSecond,
    "SDK requests/s": result.sdkRequestsPerSecond,
    "SDK requests per run": result.sdkRequestsPerRun,
    "median run latency (ms)": result.medianRunLatencyMs,
    "median direct call (ms)": result.medianDirectMs,
    "median overhead per step (ms)": result.medianOverheadPerStepMs,
  });
  const out = path.join(import.meta.dirname, "results", "engine.json");
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), out)}`);

  await new Promise<void>((r) => {
    appServer.close(() => r());
    appServer.closeAllConnections();
  });
  await engine.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
