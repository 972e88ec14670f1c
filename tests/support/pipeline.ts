import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { vi } from "vitest";
import { setDbHandle } from "@/db/client";
import { integrations } from "@/db/schema";
import { type EngineServer, startEngine } from "../../engine/server";
import { createTestDb, type Driver, type TestDb } from "./db";

const RETRY_INTERVAL_MS = 150;

/**
 * The whole delivery pipeline in the test process, every part real: a migrated database, the local
 * engine over HTTP, the app's own Inngest functions served by the SDK's handler, and (in the tests) a
 * real HTTP receiver. Only the Next.js page layer is left out.
 */
export type Pipeline = {
  db: TestDb;
  engineUrl: string;
  appUrl: string;
  stopEngine: () => Promise<void>;
  startEngineAgain: () => Promise<void>;
  /** Deletes every integration and, by cascade, its syncs and attempts: one test's receiver stays out of the next. */
  clearIntegrations: () => Promise<void>;
  close: () => Promise<void>;
};

export async function startPipeline(driver: Driver): Promise<Pipeline> {
  const db = await createTestDb(driver);
  setDbHandle(db);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fs-pipeline-engine-"));
  const engineLogger = pino({ level: process.env.ENGINE_LOG_LEVEL ?? "silent" });
  let engine: EngineServer | undefined = await startEngine({
    port: 0,
    dataDir,
    retryIntervalMs: RETRY_INTERVAL_MS,
    logger: engineLogger,
  });
  const enginePort = engine.port;

  // The SDK reads its configuration when the client is built: set it before the first import.
  process.env.INNGEST_DEV = "1";
  process.env.INNGEST_BASE_URL = engine.url;
  process.env.WEBHOOK_ALLOWED_HOSTS = "127.0.0.1";
  process.env.WEBHOOK_TIMEOUT_MS = process.env.WEBHOOK_TIMEOUT_MS ?? "1500";
  // The first backoff step after a failed first try, as short as the engine's retries here.
  process.env.WEBHOOK_FIRST_RETRY_MS = process.env.WEBHOOK_FIRST_RETRY_MS ?? String(RETRY_INTERVAL_MS);
  const { resetEnvCache } = await import("@/lib/env");
  resetEnvCache();
  const { inngest } = await import("@/inngest/client");
  const { functions } = await import("@/inngest/functions");
  const { serve } = await import("inngest/node");

  const handler = serve({ client: inngest, functions, servePath: "/api/inngest" });
  const server = http.createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/inngest`;
  await engine.sync(appUrl);

  return {
    db,
    engineUrl: engine.url,
    appUrl,
    stopEngine: async () => {
      await engine?.close();
      engine = undefined;
    },
    startEngineAgain: async () => {
      engine = await startEngine({
        port: enginePort,
        dataDir,
        retryIntervalMs: RETRY_INTERVAL_MS,
        logger: engineLogger,
      });
      await engine.sync(appUrl);
    },
    clearIntegrations: () => deleteAllIntegrations(db),
    close: async () => {
      await engine?.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      setDbHandle(undefined);
      await db.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const DEADLOCK = "40P01";

/**
 * A delivery still finishing from the test before can hold its sync's row while it waits on its
 * integration's row: the reverse of the cascade's order. PostgreSQL breaks that deadlock by failing
 * one side; when it picks the delete, the delete goes again (the delivery's side has gone on by then).
 */
async function deleteAllIntegrations(db: TestDb): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.db.delete(integrations);
      return;
    } catch (error) {
      const code =
        (error as { cause?: { code?: string }; code?: string }).cause?.code ??
        (error as { code?: string }).code;
      if (code !== DEADLOCK || attempt >= 5) throw error;
    }
  }
}

/** A run as the engine's read API (`GET /v1/runs/:id`) reports it. */
export type EngineRun = {
  run_id: string;
  function_id: string;
  status: "Queued" | "Running" | "Completed" | "Failed" | "Cancelled";
  event_id: string;
  steps: { id: string; name: string; op: string; status: string; output: unknown }[];
};

const FINISHED = new Set(["Completed", "Failed", "Cancelled"]);

/**
 * Records the engine's id of every event the app sends itself with `inngest.send` (the outbox, the
 * flush and recovery requests) from now on, until `stop()`. The events the app's functions send
 * (step.sendEvent) are found through the runs' step outputs instead (see waitForEventRunsToFinish).
 */
export async function recordSentEvents(): Promise<{ ids: string[]; stop: () => void }> {
  const { inngest } = await import("@/inngest/client");
  const ids: string[] = [];
  const send = inngest.send.bind(inngest);
  const spy = vi.spyOn(inngest, "send").mockImplementation((async (...args: Parameters<typeof send>) => {
    const result = await send(...args);
    ids.push(...result.ids);
    return result;
  }) as typeof send);
  return { ids, stop: () => spy.mockRestore() };
}

async function readApi<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { data: T }).data;
}

/**
 * Waits (through the engine's read API) until every run the events started has finished, and every
 * run those runs started in turn: the events a run sent with step.sendEvent are read from its steps'
 * outputs (`{ ids }`) and followed the same way. An event the engine dropped as a duplicate has no
 * run. The engine creates an event's runs when it accepts the event, so once this returns nothing the
 * events caused is still running or due to start: whatever they were going to deliver has been sent.
 * Returns every run found, in the order found.
 */
export function waitForEventRunsToFinish(
  engineUrl: string,
  eventIds: readonly string[],
  { timeoutMs = 20_000 }: { timeoutMs?: number } = {},
): Promise<EngineRun[]> {
  return vi.waitFor(
    async () => {
      const runs = new Map<string, EngineRun>();
      const queue = [...eventIds];
      const seen = new Set<string>();
      while (queue.length > 0) {
        const eventId = queue.shift()!;
        if (seen.has(eventId)) continue;
        seen.add(eventId);
        for (const summary of await readApi<{ run_id: string }[]>(`${engineUrl}/v1/events/${eventId}/runs`)) {
          if (runs.has(summary.run_id)) continue;
          const run = await readApi<EngineRun>(`${engineUrl}/v1/runs/${summary.run_id}`);
          if (!FINISHED.has(run.status))
            throw new Error(
              `run ${run.run_id} of ${run.function_id} (event ${eventId}) is still ${run.status}`,
            );
          runs.set(run.run_id, run);
          for (const step of run.steps) {
            const sent = (step.output as { ids?: unknown } | null)?.ids;
            if (Array.isArray(sent)) queue.push(...sent.filter((id): id is string => typeof id === "string"));
          }
        }
      }
      return [...runs.values()];
    },
    { timeout: timeoutMs, interval: 50 },
  );
}
