import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { setDbHandle } from "@/db/client";
import { integrationSyncs } from "@/db/schema";
import { resetEnvCache } from "@/lib/env";
import { checkReadiness } from "@/server/health/readiness";
import { renderMetrics } from "@/server/metrics/registry";
import { createWorkItem, updateWorkItem } from "@/server/work-items/work-items";
import { failingDb } from "../support/broken-db";
import { DRIVERS } from "../support/db";
import {
  type Pipeline,
  recordSentEvents,
  startPipeline,
  waitForEventRunsToFinish,
} from "../support/pipeline";
import { startReceiver, type TestReceiver, waitUntil } from "../support/receiver";
import { ACTOR, ITEM } from "../support/work-item-fixture";

const TOKEN = "metrics-token-for-tests-0123456789";
const WAIT = { timeoutMs: 20_000 };

type Route = { GET: (request: Request) => Promise<Response> | Response };
const metricsRoute = () => import("@/app/api/metrics/route") as Promise<Route>;
const readyRoute = () => import("@/app/api/ready/route") as Promise<Route>;
const healthRoute = () => import("@/app/api/health/route") as Promise<Route>;

function scrape(authorization?: string) {
  return metricsRoute().then(({ GET }) =>
    GET(
      new Request("http://app.test/api/metrics", {
        headers: authorization ? { authorization } : {},
      }),
    ),
  );
}

/** The value of one sample in Prometheus text format, or undefined when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  return undefined;
}

describe("metrics endpoint access", () => {
  afterEach(() => {
    delete process.env.METRICS_TOKEN;
    resetEnvCache();
  });

  it("is off (404) until METRICS_TOKEN is set", async () => {
    delete process.env.METRICS_TOKEN;
    resetEnvCache();
    const response = await scrape(`Bearer ${TOKEN}`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: expect.stringContaining("METRICS_TOKEN") });
  });

  it.each([
    ["no Authorization header", undefined],
    ["a wrong token", "Bearer not-the-metrics-token-at-all"],
    ["the token with a suffix", `Bearer ${TOKEN}x`],
    ["the token as Basic", `Basic ${TOKEN}`],
  ])("refuses %s with 401 and a Bearer challenge, without a metric", async (_, authorization) => {
    process.env.METRICS_TOKEN = TOKEN;
    resetEnvCache();
    const response = await scrape(authorization);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await response.text()).not.toContain("fixed_service_");
  });

  it("a short METRICS_TOKEN stops the app with the variable's name", () => {
    process.env.METRICS_TOKEN = "short";
    resetEnvCache();
    return expect(scrape()).rejects.toThrow(/METRICS_TOKEN: must be at least 16 characters/);
  });

  it("health is alive without a database or a session", async () => {
    setDbHandle({ driver: "postgres", close: async () => {}, db: failingDb() });
    try {
      const response = await (await healthRoute()).GET(new Request("http://app.test/api/health"));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: "ok" });
    } finally {
      setDbHandle(undefined);
    }
  });
});

describe.each(DRIVERS)("metrics and readiness on %s", (driver) => {
  let p: Pipeline;
  let ops: typeof import("@/server/integrations/operations");
  let dispatch: typeof import("@/server/deliveries/outbox");
  let receiver: TestReceiver;
  let counter = 0;

  beforeAll(async () => {
    p = await startPipeline(driver);
    ops = await import("@/server/integrations/operations");
    dispatch = await import("@/server/deliveries/outbox");
    receiver = await startReceiver();
    process.env.METRICS_TOKEN = TOKEN;
    resetEnvCache();
  });
  afterAll(async () => {
    delete process.env.METRICS_TOKEN;
    resetEnvCache();
    await receiver?.close();
    await p?.close();
  });

  async function integration(path: string) {
    const name = `metrics-${driver}-${++counter}`;
    const result = await ops.createIntegration(
      {
        name,
        url: receiver.urlFor(path),
        eventTypes: ["workitem_created", "workitem_updated"],
        headerName: null,
        headerValue: null,
      },
      p.db.db,
    );
    if (!result.ok) throw new Error(result.message);
    return result.data.integration;
  }

  async function syncsOf(integrationId: number) {
    return p.db.db.select().from(integrationSyncs).where(eq(integrationSyncs.integrationId, integrationId));
  }

  /** Dispatches the save's change events and waits until every run they started has finished. */
  async function deliverAndSettle(events: Parameters<typeof dispatch.dispatchChangeEvents>[0]) {
    const sent = await recordSentEvents();
    try {
      await dispatch.dispatchChangeEvents(events, p.db.db);
    } finally {
      sent.stop();
    }
    await waitForEventRunsToFinish(p.engineUrl, sent.ids);
  }

  async function scrapeText() {
    const response = await scrape(`Bearer ${TOKEN}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text();
  }

  it("counts a synced delivery and its attempt's latency, scraped with the token", async () => {
    const hook = await integration("/ok");
    receiver.setDefaultResponse((r) => (r.path === "/ok" ? 200 : 500));
    const created = await createWorkItem(p.db.db, ITEM, ACTOR);
    if (!created.ok) throw new Error(created.reason);
    await deliverAndSettle(created.events);
    expect((await syncsOf(hook.id)).map((s) => s.status)).toEqual(["synced"]);

    const text = await scrapeText();
    const labels = { integration: hook.name };
    expect(sample(text, "fixed_service_deliveries_total", { ...labels, outcome: "synced" })).toBe(1);
    expect(sample(text, "fixed_service_deliveries_total", { ...labels, outcome: "failed" })).toBeUndefined();
    expect(
      sample(text, "fixed_service_attempt_duration_seconds_count", { ...labels, outcome: "success" }),
    ).toBe(1);
    expect(sample(text, "fixed_service_pending_syncs", labels)).toBe(0);
    expect(sample(text, "fixed_service_oldest_pending_age_seconds", labels)).toBe(0);
    expect(sample(text, "fixed_service_integration_paused", labels)).toBe(0);
    expect(sample(text, "fixed_service_database_up")).toBe(1);
    expect(text).toContain("fixed_service_process_cpu_seconds_total");
  });

  it("counts a sync given up (a 400) once as a failed delivery, with its failed attempt", async () => {
    const hook = await integration("/bad-request");
    receiver.setDefaultResponse((r) => (r.path === "/bad-request" ? { status: 400, body: { no: 1 } } : 200));
    const created = await createWorkItem(p.db.db, ITEM, ACTOR);
    if (!created.ok) throw new Error(created.reason);
    await deliverAndSettle(created.events);
    expect((await syncsOf(hook.id)).map((s) => s.status)).toEqual(["failed"]);

    const text = await scrapeText();
    const labels = { integration: hook.name };
    expect(sample(text, "fixed_service_deliveries_total", { ...labels, outcome: "failed" })).toBe(1);
    expect(sample(text, "fixed_service_deliveries_total", { ...labels, outcome: "synced" })).toBeUndefined();
    expect(
      sample(text, "fixed_service_attempt_duration_seconds_count", { ...labels, outcome: "failure" }),
    ).toBe(1);
    expect(sample(text, "fixed_service_failed_attempts_in_a_row", labels)).toBe(1);
  });

  it("reports a paused integration's pending syncs, the oldest one's age and the outbox backlog", async () => {
    const hook = await integration("/paused");
    await ops.pauseIntegrationByAdmin(hook.id, "Paused for the metrics test", p.db.db);
    const created = await createWorkItem(p.db.db, ITEM, ACTOR);
    if (!created.ok) throw new Error(created.reason);
    await dispatch.dispatchChangeEvents(created.events, p.db.db);
    await waitUntil(async () => (await syncsOf(hook.id)).length === 1 || null, WAIT);
    // Ten minutes old: the alert rule's "oldest pending" reads this gauge.
    await p.db.db
      .update(integrationSyncs)
      .set({ createdAt: new Date(Date.now() - 600_000) })
      .where(eq(integrationSyncs.integrationId, hook.id));
    // A save whose change events were never handed to Inngest stays in the outbox.
    const saved = await updateWorkItem(
      p.db.db,
      created.row.id,
      { revision: 1, description: "not dispatched" },
      ACTOR,
    );
    if (!saved.ok || !saved.changed) throw new Error("not saved");

    const text = await scrapeText();
    const labels = { integration: hook.name };
    expect(sample(text, "fixed_service_integration_paused", labels)).toBe(1);
    expect(sample(text, "fixed_service_pending_syncs", labels)).toBe(1);
    expect(sample(text, "fixed_service_oldest_pending_age_seconds", labels)).toBeGreaterThanOrEqual(600);
    expect(sample(text, "fixed_service_outbox_backlog")).toBeGreaterThanOrEqual(1);
    expect(sample(text, "fixed_service_outbox_oldest_age_seconds")).toBeGreaterThanOrEqual(0);
    await dispatch.dispatchChangeEvents(saved.events, p.db.db);
  });

  it("a scrape while the database is down still answers, with database_up 0", async () => {
    const { body } = await renderMetrics(failingDb);
    expect(sample(body, "fixed_service_database_up")).toBe(0);
    const again = await renderMetrics(() => p.db.db);
    expect(sample(again.body, "fixed_service_database_up")).toBe(1);
  });

  it("ready: 200 with the database and the engine up, 503 naming what is down", async () => {
    const response = await (await readyRoute()).GET(new Request("http://app.test/api/ready"));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: "ready",
      checks: { database: { ok: true }, engine: { ok: true } },
    });

    const noDb = await checkReadiness(failingDb);
    expect(noDb).toMatchObject({
      status: "not-ready",
      checks: { database: { ok: false }, engine: { ok: true } },
    });
    expect(noDb.checks.database.detail).toMatch(/^database: /);

    await p.stopEngine();
    try {
      const noEngine = await checkReadiness(() => p.db.db);
      expect(noEngine).toMatchObject({
        status: "not-ready",
        checks: { database: { ok: true }, engine: { ok: false } },
      });
      expect(noEngine.checks.engine.detail).toMatch(/^engine: /);
    } finally {
      await p.startEngineAgain();
    }
  });
});
