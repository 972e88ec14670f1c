import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Inngest, type InngestFunction } from "inngest";
import { serve } from "inngest/node";
import pino from "pino";
import { vi } from "vitest";
import { startEngine } from "../../engine/server";

/**
 * Every test talks to the engine over HTTP only. Set ENGINE_URL (e.g. http://127.0.0.1:8288) to run
 * the same tests against an already running engine or a real Inngest Dev Server started with
 * `--retry-interval 200ms`; otherwise each file starts an in-process engine on a random port.
 */
export const EXTERNAL_ENGINE = process.env.ENGINE_URL;
export const RETRY_INTERVAL_MS = 200;

export interface TestEngine {
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

export function tempDir(prefix = "engine-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function startTestEngine(
  options: { signingKey?: string; eventKey?: string; allowedHosts?: string[]; dataDir?: string } = {},
): Promise<TestEngine> {
  if (EXTERNAL_ENGINE && !options.signingKey && !options.eventKey && !options.allowedHosts) {
    return { url: EXTERNAL_ENGINE.replace(/\/$/, ""), dataDir: "", close: async () => {} };
  }
  const dataDir = options.dataDir ?? tempDir();
  const server = await startEngine({
    port: 0,
    dataDir,
    retryIntervalMs: RETRY_INTERVAL_MS,
    signingKey: options.signingKey,
    eventKey: options.eventKey,
    allowedHosts: options.allowedHosts,
    logger: pino({ level: process.env.ENGINE_LOG_LEVEL ?? "silent" }),
  });
  return {
    url: server.url,
    dataDir,
    async close() {
      await server.close();
    },
  };
}

let appCounter = 0;
export function uniqueId(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${++appCounter}`;
}

export function devClient(engineUrl: string, id = uniqueId("app")): Inngest {
  return new Inngest({ id, isDev: true, baseUrl: engineUrl, logger: silentLogger() });
}

export function silentLogger() {
  const noop = () => {};
  return { info: noop, warn: noop, error: noop, debug: noop };
}

export interface TestApp {
  url: string;
  close(): Promise<void>;
}

/** Serves the functions with the real SDK handler on a random port (path /api/inngest). */
export async function serveApp(
  client: Inngest,
  functions: InngestFunction.Any[],
  servePath = "/api/inngest",
): Promise<TestApp> {
  const handler = serve({ client, functions, servePath });
  const server = http.createServer((req, res) => {
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${servePath}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Out-of-band sync: `PUT <serve url>` makes the SDK register itself with its engine. Works everywhere. */
export async function syncApp(app: TestApp): Promise<void> {
  const res = await fetch(app.url, { method: "PUT" });
  const body = await res.text();
  if (!res.ok) throw new Error(`sync failed: ${res.status} ${body}`);
}

export async function sendEvent(engineUrl: string, events: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${engineUrl}/e/test-key`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof events === "string" ? events : JSON.stringify(events),
  });
  return {
    status: res.status,
    body: (await res.json()) as { ids?: string[]; status?: number; error?: string },
  };
}

export interface RunSummary {
  run_id: string;
  function_id?: string;
  status: "Running" | "Completed" | "Failed" | "Cancelled" | "Queued";
  output: unknown;
  error?: unknown;
}

export interface RunDetail extends RunSummary {
  steps: { id: string; name: string; status: string; attempts: { attempt: number; status: string }[] }[];
}

export async function getJson<T>(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { headers });
  return { status: res.status, body: (await res.json()) as T };
}

/** Polls (vi.waitFor) until `check` returns a value (not undefined); on timeout says what never came. */
export function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  intervalMs = 50,
): Promise<T> {
  return vi.waitFor(
    async () => {
      const value = await check();
      if (value === undefined) throw new Error(`timed out waiting for ${what}`);
      return value;
    },
    { timeout: timeoutMs, interval: intervalMs },
  );
}

/** `headers`: e.g. the signing key as a bearer token, which a cloud-mode engine's reads require. */
export async function runsForEvent(
  engineUrl: string,
  eventId: string,
  headers: Record<string, string> = {},
): Promise<RunSummary[]> {
  const { body } = await getJson<{ data: RunSummary[] }>(`${engineUrl}/v1/events/${eventId}/runs`, headers);
  return body.data ?? [];
}

const TERMINAL = new Set(["Completed", "Failed", "Cancelled"]);

/** Waits until the event has `count` runs and all of them are finished. */
export function waitForFinishedRuns(
  engineUrl: string,
  eventId: string,
  count = 1,
  timeoutMs?: number,
  headers: Record<string, string> = {},
) {
  return waitFor(
    `${count} finished run(s) for event ${eventId}`,
    async () => {
      const runs = await runsForEvent(engineUrl, eventId, headers);
      return runs.length >= count && runs.every((r) => TERMINAL.has(r.status)) ? runs : undefined;
    },
    timeoutMs,
  );
}

export async function getRun(engineUrl: string, runId: string): Promise<RunDetail> {
  const { body } = await getJson<{ data: RunDetail }>(`${engineUrl}/v1/runs/${runId}`);
  return body.data;
}

export async function sendOne(
  engineUrl: string,
  name: string,
  data: Record<string, unknown> = {},
  id?: string,
) {
  const res = await sendEvent(engineUrl, { name, data, ...(id ? { id } : {}) });
  if (res.status !== 200 || !res.body.ids?.[0]) throw new Error(`send failed: ${JSON.stringify(res.body)}`);
  return res.body.ids[0];
}

// ---------------------------------------------------------------- an engine as a child process (SIGKILL tests)

const ROOT = path.resolve(import.meta.dirname, "../..");

/** `engine/main.ts` as its own process (plain node + tsx's loader: SIGKILL leaves no grandchild). */
export async function spawnEngine(port: number, dataDir: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "engine/main.ts",
      "--port",
      String(port),
      "--data-dir",
      dataDir,
      "--retry-interval",
      "200ms",
    ],
    { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, ENGINE_LOG_LEVEL: "warn" } },
  );
  await waitFor("engine child to listen", async () => {
    if (child.exitCode !== null) throw new Error(`engine exited with ${child.exitCode}`);
    const res = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
    return res?.ok ? true : undefined;
  });
  return child;
}

export function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}
