import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { vi } from "vitest";
import { setDbHandle } from "@/db/client";
import { CHANGE_EVENT_TYPES, changeEvents, integrationSyncs, integrations } from "@/db/schema";
import type { Actor } from "@/server/work-items/work-items";
import { parseDuration } from "../../../engine/duration";
import { freePort } from "../../../scripts/free-port";
import type { TestDb } from "../../support/db";
import {
  type ReceivedRequest,
  type ScriptedResponse,
  startReceiver,
  type TestReceiver,
} from "../../support/receiver";

const ROOT = path.resolve(import.meta.dirname, "../../..");
export const ACTOR: Actor = { id: "user-faults", name: "Fault Tester" };

/** FNV-1a: a stable number for a string (mixes a webhook-id into the seed). */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A seeded PRNG (mulberry32): the same seed gives the same flapping pattern on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Polls (vi.waitFor) until `check` returns true; the message says what never happened. Bounded, no fixed sleeps. */
export async function eventually(
  what: string,
  check: () => boolean | Promise<boolean>,
  { timeoutMs = 60_000, intervalMs = 50 } = {},
): Promise<void> {
  await vi.waitFor(
    async () => {
      if (!(await check())) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    },
    { timeout: timeoutMs, interval: intervalMs },
  );
}

type ManagedChild = {
  readonly process: ChildProcess | undefined;
  start(): Promise<void>;
  /** SIGKILL: no shutdown code runs. */
  kill(): Promise<void>;
  stop(): Promise<void>;
};

function managedChild(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: () => Promise<boolean>,
): ManagedChild {
  let child: ChildProcess | undefined;
  let stderr = "";
  const waitExit = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return resolve();
      c.once("exit", () => resolve());
      c.kill(signal);
    });
  return {
    get process() {
      return child;
    },
    async start() {
      stderr = "";
      // Plain node with tsx's loader (not the tsx CLI, which would leave a grandchild alive after SIGKILL).
      // FAULTS_LOG_DIR keeps each child's logs (set FAULTS_LOG_LEVEL=info too) for a post-mortem.
      const logDir = process.env.FAULTS_LOG_DIR;
      const out = logDir ? fs.openSync(path.join(logDir, `${name.replace(/\W+/g, "-")}.log`), "a") : "ignore";
      // react-server: the app's server modules `import "server-only"`, which throws under any other condition.
      child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", ...args], {
        cwd: ROOT,
        env,
        stdio: ["ignore", out, "pipe"],
      });
      if (typeof out === "number") fs.closeSync(out);
      child.stderr?.on("data", (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-4000);
      });
      const c = child;
      // A child that dies while starting fails the start at once (vi.waitFor would retry a throw).
      let onExit: (code: number | null) => void = () => {};
      const exited = new Promise<never>((_, reject) => {
        onExit = (code) => reject(new Error(`${name} exited with ${code}: ${stderr}`));
        c.once("exit", onExit);
      });
      try {
        await Promise.race([
          eventually(`${name} to answer`, () => ready().catch(() => false), {
            timeoutMs: 60_000,
            intervalMs: 50,
          }),
          exited,
        ]);
      } finally {
        c.off("exit", onExit);
      }
    },
    kill: () => waitExit("SIGKILL"),
    stop: () => waitExit("SIGTERM"),
  };
}

export type FaultStack = {
  db: TestDb;
  receiver: TestReceiver;
  engine: ManagedChild;
  app: ManagedChild;
  engineUrl: string;
  appUrl: string;
  integrationIds: number[];
  /** webhook-id → number of 2xx answers the receiver gave it. */
  successes: Map<string, number>;
  /** The requests answered 2xx, in the order they were answered. */
  successLog: ReceivedRequest[];
  /** Every webhook-id the outbox says must arrive: one per change event and subscribed integration. */
  expectedWebhookIds(): Promise<string[]>;
  missing(): Promise<string[]>;
  dispatch: typeof import("@/server/deliveries/outbox");
  queries: typeof import("@/server/work-items/work-items");
  /** Asks the outbox function to re-send what a failed dispatch left behind (what its cron does each minute). */
  flushOutbox(): Promise<void>;
  close(): Promise<void>;
};

export type StackOptions = {
  db: TestDb;
  integrations: number;
  /** The receiver's answer to each webhook (default 200). */
  respond?: (request: ReceivedRequest) => ScriptedResponse;
  retryInterval?: string;
  webhookTimeoutMs?: number;
};

/**
 * The delivery pipeline with every part real and the killable parts as child processes: the engine
 * (`engine/main.ts`, durable data dir, fixed port), the app's SDK handler (tests/faults/support/sdk-app.ts),
 * a PostgreSQL database, and an HTTP receiver. Saves run in the test process through the app's queries
 * and `dispatchChangeEvents`, like the server actions.
 */
export async function startFaultStack(options: StackOptions): Promise<FaultStack> {
  const { db } = options;
  setDbHandle(db);
  const enginePort = await freePort();
  const appPort = await freePort();
  const engineUrl = `http://127.0.0.1:${enginePort}`;
  const appUrl = `http://127.0.0.1:${appPort}/api/inngest`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fs-faults-engine-"));

  const successes = new Map<string, number>();
  const successLog: ReceivedRequest[] = [];
  const respond = options.respond ?? (() => 200);
  const receiver = await startReceiver({
    defaultResponse: (request) => {
      const answer = respond(request);
      const status = typeof answer === "number" ? answer : "status" in answer ? (answer.status ?? 200) : 0;
      const id = request.headers["webhook-id"];
      if (id && status >= 200 && status < 300) {
        successes.set(id, (successes.get(id) ?? 0) + 1);
        successLog.push(request);
      }
      return answer;
    },
  });

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    INNGEST_DEV: "1",
    INNGEST_BASE_URL: engineUrl,
    DATABASE_URL: db.url!,
    DATABASE_POOL_SIZE: "10",
    WEBHOOK_ALLOWED_HOSTS: "127.0.0.1",
    WEBHOOK_TIMEOUT_MS: String(options.webhookTimeoutMs ?? 1000),
    // The first backoff step after a failed first try follows the engine's fixed interval here too.
    WEBHOOK_FIRST_RETRY_MS: String(parseDuration(options.retryInterval ?? "100ms")),
    LOG_LEVEL: process.env.FAULTS_LOG_LEVEL ?? "silent",
    ENGINE_LOG_LEVEL: process.env.FAULTS_LOG_LEVEL ?? "warn",
  };
  const engine = managedChild(
    "engine",
    [
      "engine/main.ts",
      "--port",
      String(enginePort),
      "--data-dir",
      dataDir,
      "--retry-interval",
      options.retryInterval ?? "100ms",
      "--sdk-url",
      appUrl,
    ],
    env,
    async () => {
      const res = await fetch(`${engineUrl}/dev`);
      return res.ok && ((await res.json()) as { functions: unknown[] }).functions.length > 0;
    },
  );
  const app = managedChild(
    "sdk app",
    ["tests/faults/support/sdk-app.ts"],
    { ...env, PORT: String(appPort) },
    async () => {
      const res = await fetch(appUrl);
      await res.arrayBuffer();
      return res.ok;
    },
  );

  // The test process sends events too (dispatchChangeEvents): point its SDK client at the engine first.
  process.env.INNGEST_DEV = "1";
  process.env.INNGEST_BASE_URL = engineUrl;
  const { resetEnvCache } = await import("@/lib/env");
  resetEnvCache();
  const dispatch = await import("@/server/deliveries/outbox");
  const queries = await import("@/server/work-items/work-items");
  const { inngest } = await import("@/inngest/client");
  const { outboxFlushRequested } = await import("@/inngest/events");

  await app.start();
  await engine.start();

  const rows = await db.db
    .insert(integrations)
    .values(
      Array.from({ length: options.integrations }, (_, i) => ({
        name: `faults-${i + 1}-${randomBytes(3).toString("hex")}`,
        url: receiver.urlFor(`/hooks/${i + 1}`),
        eventTypes: [...CHANGE_EVENT_TYPES],
        secret: `whsec_${randomBytes(32).toString("base64")}`,
      })),
    )
    .returning({ id: integrations.id });
  const integrationIds = rows.map((r) => r.id);

  const expectedWebhookIds = async () => {
    const events = await db.db.select({ id: changeEvents.id }).from(changeEvents);
    return events.flatMap((e) => integrationIds.map((i) => `msg_${e.id}_${i}`));
  };

  return {
    db,
    receiver,
    engine,
    app,
    engineUrl,
    appUrl,
    integrationIds,
    successes,
    successLog,
    expectedWebhookIds,
    missing: async () => (await expectedWebhookIds()).filter((id) => !successes.has(id)),
    dispatch,
    queries,
    flushOutbox: async () => {
      await inngest.send(outboxFlushRequested.create({ reason: "fault test" }));
    },
    close: async () => {
      await engine.kill();
      await app.kill();
      await receiver.close();
      setDbHandle(undefined);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Sync rows that are not `synced`, with their last error (for failure messages). */
export async function unsettledSyncs(db: TestDb) {
  return db.db
    .select({
      id: integrationSyncs.id,
      status: integrationSyncs.status,
      lastError: integrationSyncs.lastError,
    })
    .from(integrationSyncs)
    .where(sql`${integrationSyncs.status} <> 'synced'`)
    .limit(20);
}

/** Change events not yet marked dispatched (still waiting in the outbox). */
export async function undispatchedIds(db: TestDb): Promise<string[]> {
  const rows = await db.db
    .select({ id: changeEvents.id })
    .from(changeEvents)
    .where(sql`${changeEvents.dispatchedAt} is null`);
  return rows.map((r) => r.id);
}

export async function undispatchedCount(db: TestDb): Promise<number> {
  const [row] = await db.db
    .select({ n: sql<number>`count(*)::int` })
    .from(changeEvents)
    .where(sql`${changeEvents.dispatchedAt} is null`);
  return row.n;
}

export const BASE_ITEM = {
  title: "Fault test repair",
  description: "",
  customerName: "Fay Ult",
  customerEmail: null,
  customerPhone: null,
  device: "Pixel 8",
  serialNumber: null,
  status: "new" as const,
  priority: "normal" as const,
  priceCents: 9900,
  technicianId: null,
};

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function pool<T>(items: T[], limit: number, fn: (item: T, index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}

/** Waits until every expected webhook-id was answered 2xx; on timeout says what is missing and why. */
export async function waitForAll(stack: FaultStack, db: TestDb, timeoutMs: number): Promise<void> {
  let missing: string[] = [];
  try {
    await eventually(
      "every expected delivery",
      async () => {
        missing = await stack.missing();
        return missing.length === 0;
      },
      { timeoutMs, intervalMs: 100 },
    );
  } catch (error) {
    throw new Error(
      `${(error as Error).message}: ${missing.length} missing (e.g. ${missing.slice(0, 3).join(", ")}); ` +
        `undispatched ${await undispatchedCount(db)}; unsettled syncs ${JSON.stringify(await unsettledSyncs(db))}`,
    );
  }
}

/**
 * Waits until no sync is pending. The receiver sees a webhook before its sync is marked synced, and a
 * kill between the two leaves the row pending until the retried step posts again and records it.
 */
export async function waitForSettled(db: TestDb, timeoutMs: number): Promise<void> {
  let left: Awaited<ReturnType<typeof unsettledSyncs>> = [];
  try {
    await eventually(
      "every sync to settle",
      async () => {
        left = await unsettledSyncs(db);
        return left.every((s) => s.status !== "pending");
      },
      { timeoutMs, intervalMs: 100 },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}: ${JSON.stringify(left)}`);
  }
}
