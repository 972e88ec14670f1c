import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { setDbHandle } from "@/db/client";
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
