/**
 * The production server as the Dockerfile's runtime stage lays it out: `node server.js` from a copy of
 * `.next/standalone` outside the project (so nothing resolves back to the project's node_modules), with
 * `.next/static` and `db/migrations` beside it, NODE_ENV=production, an empty database on a real
 * PostgreSQL (the app migrates it), and cloud-mode Inngest (signing and event keys, INNGEST_DEV unset)
 * against the local engine in signed mode. Reuses the build of `npm test`'s build stage; run it alone
 * with `next build && npx vitest run --project standalone`.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import postgres from "postgres";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type DbHandle, openDatabase } from "@/db/client";
import { CHANGE_EVENT_TYPES, integrationSyncs } from "@/db/schema";
import { resetEnvCache } from "@/lib/env";
import { createUser } from "@/server/auth/users";
import { createIntegration } from "@/server/integrations/operations";
import { createLogger } from "../../engine/log";
import { type EngineServer, startEngine } from "../../engine/server";
import { signBody } from "../../engine/signing";
import { type ReceivedRequest, startReceiver, type TestReceiver, waitUntil } from "../support/receiver";

const ROOT = path.resolve(import.meta.dirname, "../..");
const APP_PORT = Number(process.env.STANDALONE_APP_PORT ?? 3340);
const ENGINE_PORT = Number(process.env.STANDALONE_ENGINE_PORT ?? 8394);
const APP_URL = `http://127.0.0.1:${APP_PORT}`;
const SERVE_URL = `${APP_URL}/api/inngest`;
const START_TIMEOUT_MS = 60_000;
const DELIVERY_TIMEOUT_MS = 30_000;

const signingKey = `signkey-prod-${randomBytes(32).toString("hex")}`;
const eventKey = randomBytes(16).toString("hex");
const secretsKey = randomBytes(32).toString("base64");
const technician = { email: "tech@standalone.test", password: `pw-${randomBytes(12).toString("hex")}` };

/** Where server.js and its files go, as `COPY --from=build` lays them out in the runtime stage. */
function layOutLikeTheImage(): string {
  const standalone = path.join(ROOT, ".next/standalone");
  if (!existsSync(path.join(standalone, "server.js"))) {
    throw new Error(`${standalone}/server.js is missing: run next build first (output: "standalone")`);
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "fixed-service-standalone-"));
  cpSync(standalone, dir, { recursive: true });
  cpSync(path.join(ROOT, ".next/static"), path.join(dir, ".next/static"), { recursive: true });
  cpSync(path.join(ROOT, "db/migrations"), path.join(dir, "db/migrations"), { recursive: true });
  if (existsSync(path.join(ROOT, "public")))
    cpSync(path.join(ROOT, "public"), path.join(dir, "public"), { recursive: true });
  return dir;
}

/** An empty database on the suite's PostgreSQL: the standalone server must migrate it itself. */
async function createEmptyDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = inject("postgresUrl");
  if (!adminUrl)
    throw new Error(
      "The standalone stage needs PostgreSQL: set TEST_DATABASE_URL or include postgres in TEST_DRIVERS",
    );
  const name = `fs_standalone_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

type Keys = { app: string; appFallback?: string; engine: string };

/** Only what a deployment sets (compose.yaml's app environment), nothing inherited from the test run. */
function productionEnv(databaseUrl: string, engineUrl: string, keys: Keys): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: os.tmpdir(),
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(APP_PORT),
    HOSTNAME: "127.0.0.1",
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: "5",
    APP_URL,
    BETTER_AUTH_URL: APP_URL,
    BETTER_AUTH_SECRET: randomBytes(32).toString("base64"),
    SECRETS_KEY: secretsKey,
    INNGEST_BASE_URL: engineUrl,
    INNGEST_SIGNING_KEY: keys.app,
    ...(keys.appFallback ? { INNGEST_SIGNING_KEY_FALLBACK: keys.appFallback } : {}),
    INNGEST_EVENT_KEY: eventKey,
    // The receiver is on loopback, which the SSRF guard refuses unless let through.
    WEBHOOK_ALLOWED_HOSTS: "127.0.0.1",
    LOG_LEVEL: "warn",
  };
}

type Stack = {
  engine: EngineServer;
  serverLog: () => string;
  stop: () => Promise<void>;
};

/** The local engine in signed mode on ENGINE_PORT and `node server.js` on APP_PORT, until /api/health answers. */
async function startStack(dir: string, databaseUrl: string, keys: Keys): Promise<Stack> {
  rmSync(path.join(dir, ".engine"), { recursive: true, force: true });
  const engine = await startEngine({
    port: ENGINE_PORT,
    dataDir: path.join(dir, ".engine"),
    signingKey: keys.engine,
    eventKey,
    retryIntervalMs: 200,
    logger: createLogger("silent"),
  });
  const server = spawn(process.execPath, ["server.js"], {
    cwd: dir,
    env: productionEnv(databaseUrl, engine.url, keys),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  server.stdout?.on("data", (chunk) => (output += chunk));
  server.stderr?.on("data", (chunk) => (output += chunk));
  const serverLog = () => `\n--- server.js output ---\n${output.slice(-4_000)}`;
  const stop = async () => {
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server.once("exit", resolve));
      server.kill("SIGTERM");
      const timer = setTimeout(() => server.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await engine.close();
  };
  try {
    await waitUntil(
      async () => {
        if (server.exitCode !== null) throw new Error(`server.js exited (${server.exitCode})`);
        return fetch(`${APP_URL}/api/health`).then(
          (r) => r.ok,
          () => false,
        );
      },
      { timeoutMs: START_TIMEOUT_MS, intervalMs: 200, message: "server.js answers /api/health" },
    );
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}${serverLog()}`);
  }
  return { engine, serverLog, stop };
}

async function engineSync(engine: EngineServer, key: string): Promise<Response> {
  return fetch(`${engine.url}/v0/sync?url=${encodeURIComponent(SERVE_URL)}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}` },
  });
}

async function signInAsTechnician(): Promise<string> {
  const signIn = await fetch(`${APP_URL}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: APP_URL },
    body: JSON.stringify(technician),
  });
  expect(signIn.status, await signIn.clone().text()).toBe(200);
  const cookie = signIn.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  expect(cookie).toContain("session_token");
  return cookie;
}

/** Saves a new work item through the JSON API; resolves with the webhook the receiver got for it. */
async function saveAndReceive(receiver: TestReceiver, cookie: string, stack: Stack, title: string) {
  const save = await fetch(`${APP_URL}/api/v1/work-items`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: APP_URL, cookie },
    body: JSON.stringify({ title, customerName: "Ada Customer", device: "Pixel 8" }),
  });
  const saved = (await save.json()) as { workItem: { id: number; reference: string } };
  expect(save.status, `${JSON.stringify(saved)}${stack.serverLog()}`).toBe(201);
  const reference = saved.workItem.reference;
  const requests = await receiver
    .waitFor((all) => all.some((r) => referenceOf(r) === reference), { timeoutMs: DELIVERY_TIMEOUT_MS })
    .catch((error) => {
      throw new Error(`${(error as Error).message}${stack.serverLog()}`);
    });
  return requests.find((r) => referenceOf(r) === reference)!;
}

const referenceOf = (r: ReceivedRequest) =>
  (r.json as { work_item?: { reference?: string } } | undefined)?.work_item?.reference;

let dir: string;
let database: { url: string; drop: () => Promise<void> };
let receiver: TestReceiver;
let db: DbHandle;
let integration: { id: number; secret: string };

beforeAll(async () => {
  dir = layOutLikeTheImage();
  database = await createEmptyDatabase();
  receiver = await startReceiver();
  // The test process writes with the same SECRETS_KEY as the server, so the server can read what it wrote.
  process.env.SECRETS_KEY = secretsKey;
  resetEnvCache();
  db = openDatabase({ driver: "postgres", url: database.url, max: 2 });
}, 60_000);

afterAll(async () => {
  await db?.close();
  await receiver?.close();
  await database?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  resetEnvCache();
});

describe("standalone server: production build, PostgreSQL, cloud-mode Inngest", () => {
  let stack: Stack;
  const serverLog = () => stack.serverLog();

  beforeAll(async () => {
    stack = await startStack(dir, database.url, { app: signingKey, engine: signingKey });
  }, START_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it("answers /api/health and /api/ready (database and engine reachable)", async () => {
    const health = await fetch(`${APP_URL}/api/health`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${APP_URL}/api/ready`);
    const body = (await ready.json()) as { status: string; checks: Record<string, { ok: boolean }> };
    expect({ status: ready.status, body }, serverLog()).toMatchObject({
      status: 200,
      body: { status: "ready", checks: { database: { ok: true }, engine: { ok: true } } },
    });
  });

  it("serves a page and the static assets it links to (.next/static beside server.js)", async () => {
    const page = await fetch(`${APP_URL}/sign-in`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="(\/_next\/static\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of new Set(assets)) {
      const res = await fetch(`${APP_URL}${asset}`);
      expect({ asset, status: res.status }).toEqual({ asset, status: 200 });
      await res.body?.cancel();
    }
  });

  it("refuses unsigned and wrongly signed requests, and the engine syncs it with its signing key", async () => {
    const body = { url: SERVE_URL };
    const forged = await fetch(SERVE_URL, {
      method: "PUT",
      headers: {
        "content-type": "application/json",
        "x-inngest-sync-kind": "in_band",
        "x-inngest-server-kind": "cloud",
        "x-inngest-signature": signBody(body, `signkey-prod-${randomBytes(32).toString("hex")}`),
      },
      body: JSON.stringify(body),
    });
    expect(forged.headers.get("x-inngest-sync-kind")).not.toBe("in_band");
    expect(await forged.text()).not.toContain("fan-out-change-event");
    const unsigned = await fetch(`${SERVE_URL}?fnId=fixed-service-fan-out-change-event&stepId=step`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(unsigned.status).toBe(401);

    const sync = await engineSync(stack.engine, signingKey);
    expect(sync.status, `${await sync.text()}${serverLog()}`).toBe(200);
    const dev = (await (await fetch(`${stack.engine.url}/dev`)).json()) as {
      functions: { id: string; app: string }[];
    };
    expect(dev.functions.map((f) => f.id)).toEqual(
      expect.arrayContaining([
        "fixed-service-fan-out-change-event",
        "fixed-service-deliver-webhook",
        "fixed-service-redispatch-outbox",
      ]),
    );
  });

  it("delivers a work item saved through the JSON API to a receiver as a signed webhook", async () => {
    expect(
      await createUser(db.db, { name: "Tess Technician", role: "technician", ...technician }),
    ).toMatchObject({ ok: true });
    const created = await createIntegration(
      {
        name: "standalone-receiver",
        url: receiver.urlFor("/hooks/standalone"),
        eventTypes: [...CHANGE_EVENT_TYPES],
        headerName: null,
        headerValue: null,
      },
      db.db,
    );
    if (!created.ok) throw new Error(created.message);
    integration = { id: created.data.integration.id, secret: created.data.secret };

    const delivery = await saveAndReceive(receiver, await signInAsTechnician(), stack, "Cracked screen");
    expect(delivery.path).toBe("/hooks/standalone");
    expect((delivery.json as { type: string }).type).toBe("workitem_created");
    expect(() => new Webhook(integration.secret).verify(delivery.rawBody, delivery.headers)).not.toThrow();

    // The fan-out ran in the app only on the engine's signed request (an unsigned one is refused, above);
    // the attempt it recorded settled the sync.
    const statuses = await waitUntil(
      async () => {
        const rows = await db.db
          .select({ status: integrationSyncs.status })
          .from(integrationSyncs)
          .where(eq(integrationSyncs.integrationId, integration.id));
        return rows.length > 0 && rows.every((r) => r.status !== "pending")
          ? rows.map((r) => r.status)
          : null;
      },
      { timeoutMs: DELIVERY_TIMEOUT_MS, message: "the sync settled" },
    );
    expect(statuses).toEqual(["synced"]);
  });
});

/**
 * docs/DEPLOY.md's signing-key rotation, first step: the app already has the new key and the old one as
 * INNGEST_SIGNING_KEY_FALLBACK while the engine still signs with the old one. The SDK verifies the engine's
 * requests with the fallback and retries its own calls to the engine with it after a 401.
 */
describe("standalone server during a signing-key rotation (new key + INNGEST_SIGNING_KEY_FALLBACK)", () => {
  const newKey = `signkey-prod-${randomBytes(32).toString("hex")}`;
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack(dir, database.url, { app: newKey, appFallback: signingKey, engine: signingKey });
  }, START_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it("syncs with the engine that still has the old key and delivers a save", async () => {
    expect(integration, "the first describe creates the integration").toBeDefined();
    const sync = await engineSync(stack.engine, signingKey);
    expect(sync.status, `${await sync.text()}${stack.serverLog()}`).toBe(200);
    const delivery = await saveAndReceive(receiver, await signInAsTechnician(), stack, "Rotated keys");
    expect((delivery.json as { type: string }).type).toBe("workitem_created");
    expect(() => new Webhook(integration.secret).verify(delivery.rawBody, delivery.headers)).not.toThrow();
  });
});
