import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { integrations } from "@/db/schema";
import { listIntegrationHealth } from "@/server/integrations/health";
import {
  countDeliveriesPerHour,
  getOldestPending,
  listIntegrationStats,
  listRecentFailures,
} from "@/server/syncs/dashboard";
import { createTestDb, DRIVERS, type TestDb } from "../support/db";
import { insertIntegrations, insertSyncs, insertWorkItems } from "./explorer-fixtures";

describe.each(DRIVERS)("delivery dashboard and integration health on %s", (driver) => {
  let t: TestDb;
  let item: number;
  let n8n: number;
  let slack: number;
  let idle: number;

  beforeAll(async () => {
    t = await createTestDb(driver);
  });
  afterAll(async () => t?.close());
  beforeEach(async () => {
    await t.reset();
    const [a, b, c] = await insertIntegrations(t.db, ["n8n", "slack", "idle"]);
    [n8n, slack, idle] = [a.id, b.id, c.id];
    [item] = await insertWorkItems(t.db, 1);
  });

  it("buckets the last 24 hours of deliveries per hour and status, empty hours included", async () => {
    await insertSyncs(t.db, {
      workItemId: item,
      integrationId: n8n,
      count: 3,
      status: "synced",
      startMinutesAgo: 0,
    });
    await insertSyncs(t.db, {
      workItemId: item,
      integrationId: n8n,
      count: 2,
      status: "failed",
      startMinutesAgo: 180,
    });
    await insertSyncs(t.db, {
      workItemId: item,
      integrationId: n8n,
      count: 4,
      status: "synced",
      startMinutesAgo: 26 * 60,
    });
    const hours = await countDeliveriesPerHour(t.db);
    expect(hours).toHaveLength(24);
    const sum = (s: "synced" | "failed" | "pending") => hours.reduce((n, h) => n + h[s], 0);
    expect(sum("synced")).toBe(3);
    expect(sum("failed")).toBe(2);
    expect(sum("pending")).toBe(0);
    const times = hours.map((h) => Date.parse(h.hour));
    expect(times[23] - times[0]).toBe(23 * 3_600_000);
    expect(hours.at(-1)!.synced + hours.at(-2)!.synced).toBe(3);
  });

  it("computes success rate and p95 latency per integration with percentile_cont", async () => {
    // 19 fast (100 ms) and 1 slow (2000 ms) → p95 interpolates between them: 100 + 0.05 * 1900 = 195.
    await insertSyncs(t.db, {
      workItemId: item,
      integrationId: n8n,
      count: 19,
      status: "synced",
      durationMs: 100,
      withAttempts: true,
    });
    await insertSyncs(t.db, {
      workItemId: item,
      integrationId: n8n,
      count: 1,
      status: "failed",
      durationMs: 2000,
      withAttempts: true,
      startMinutesAgo: 30,
    });
    await insertSyncs(t.db, { workItemId: item, integrationId: slack, count: 3, status: "pending" });
    const stats = await listIntegrationStats(t.db);
    expect(stats.map((s) => s.name)).toEqual(["idle", "n8n", "slack"]);
    const n = stats.find((s) => s.integrationId === n8n)!;
    expect(n.total).toBe(20);
    expect(n.successRate).toBeCloseTo(0.95);
    expect(n.p95LatencyMs).toBe(195);
    const s = stats.find((x) => x.integrationId === slack)!;
    expect(s).toMatchObject({ successRate: null, p95LatencyMs: null, counts: { pending: 3 } });
  });

  it("reports the oldest pending delivery and recent failures newest first", async () => {
    expect(await getOldestPending(t.db)).toBeNull();
    await insertSyncs(t.db, {
      workItemId: item,
      integrationId: slack,
      count: 3,
      status: "pending",
      startMinutesAgo: 10,
    });
    await insertSyncs(t.db, {
      workItemId: item,
      integrationId: n8n,
      count: 2,
      status: "failed",
      startMinutesAgo: 60,
    });
    const oldest = await getOldestPending(t.db);
    expect(oldest).toMatchObject({ integrationName: "slack", reference: "RMA-000001", pendingCount: 3 });
    expect(oldest!.ageMs).toBeGreaterThanOrEqual(13 * 60_000 - 1000);
    expect(oldest!.ageMs).toBeLessThan(14 * 60_000);
    const failures = await listRecentFailures(t.db);
    expect(failures).toHaveLength(2);
    expect(failures[0]).toMatchObject({ integrationName: "n8n", lastStatusCode: 500 });
    expect(Date.parse(failures[0].failedAt)).toBeGreaterThan(Date.parse(failures[1].failedAt));
  });

  it("shows each integration's 24 h counts, success rate and pause reason", async () => {
    await insertSyncs(t.db, {
      workItemId: item,
      integrationId: n8n,
      count: 3,
      status: "failed",
      startMinutesAgo: 0,
    });
    await insertSyncs(t.db, {
      workItemId: item,
      integrationId: n8n,
      count: 1,
      status: "synced",
      startMinutesAgo: 10,
    });
    await insertSyncs(t.db, {
      workItemId: item,
      integrationId: n8n,
      count: 2,
      status: "failed",
      startMinutesAgo: 20,
    });
    await insertSyncs(t.db, {
      workItemId: item,
      integrationId: n8n,
      count: 2,
      status: "pending",
      startMinutesAgo: 30,
    });
    await insertSyncs(t.db, {
      workItemId: item,
      integrationId: slack,
      count: 60,
      status: "failed",
      startMinutesAgo: 0,
    });
    await insertSyncs(t.db, {
      workItemId: item,
      integrationId: slack,
      count: 1,
      status: "synced",
      startMinutesAgo: 3 * 24 * 60,
    });
    await t.db
      .update(integrations)
      .set({ active: false, pausedReason: "Receiver answered 410 Gone" })
      .where(eq(integrations.id, slack));

    const health = await listIntegrationHealth(t.db);
    const byName = Object.fromEntries(health.map((h) => [h.name, h]));
    // The counts come from the syncs; the streak, last success and failure from the attempts
    // (recordAttempt, see health-from-attempts.test.ts), which these bulk rows do not go through.
    expect(byName.n8n.health).toMatchObject({
      synced24h: 1,
      failed24h: 5,
      pending: 2,
    });
    expect(byName.n8n.health.successRate24h).toBeCloseTo(1 / 6);
    expect(byName.slack).toMatchObject({ active: false, pausedReason: "Receiver answered 410 Gone" });
    expect(byName.slack.health).toMatchObject({ synced24h: 0, failed24h: 60 });
    expect(byName.idle.health).toMatchObject({
      successRate24h: null,
      lastSuccessAt: null,
      consecutiveFailures: 0,
    });
    expect(idle).toBeGreaterThan(0);
    expect(JSON.stringify(health)).not.toContain("whsec_");
  });
});
