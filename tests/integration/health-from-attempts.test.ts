import fs from "node:fs";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Integration, type IntegrationSync, integrations } from "@/db/schema";
import { type AttemptRecord, recordAttempt } from "@/server/deliveries/attempt";
import { createSyncsForChangeEvent } from "@/server/deliveries/fan-out";
import { listIntegrationHealth } from "@/server/integrations/health";
import { getSyncDetail, listTimeline } from "@/server/syncs/timeline";
import { workItemCreateSchema } from "@/server/work-items/validation";
import { type Actor, createWorkItem, updateWorkItem } from "@/server/work-items/work-items";
import { createTestDb, DRIVERS, type TestDb } from "../support/db";

const TESS: Actor = { id: "user-tess", name: "Tess Technician" };
const ITEM = workItemCreateSchema.parse({ title: "Replace screen", customerName: "M K", device: "Pixel 8" });

describe.each(DRIVERS)("integration health from attempts, and waiting syncs, on %s", (driver) => {
  let t: TestDb;
  let hook: Integration;

  beforeAll(async () => {
    t = await createTestDb(driver);
  });
  afterAll(async () => t?.close());
  beforeEach(async () => {
    await t.reset();
    [hook] = await t.db
      .insert(integrations)
      .values({
        name: "n8n",
        url: "https://n8n.example/webhook/x",
        eventTypes: ["workitem_created", "workitem_updated"],
        secret: "whsec_a",
        createdAt: new Date(Date.now() - 86_400_000),
      })
      .returning();
  });

  /** A work item and one update, each with its (pending) sync at the integration. */
  async function twoSyncs(): Promise<{
    workItemId: number;
    created: IntegrationSync;
    updated: IntegrationSync;
  }> {
    const created = await createWorkItem(t.db, ITEM, TESS);
    if (!created.ok) throw new Error("create failed");
    const [a] = await createSyncsForChangeEvent(t.db, created.events[0], [hook]);
    const saved = await updateWorkItem(t.db, created.row.id, { revision: 1, title: "Replace OLED" }, TESS);
    if (!saved.ok || !saved.changed) throw new Error("save failed");
    const [b] = await createSyncsForChangeEvent(t.db, saved.events[0], [hook]);
    return { workItemId: created.row.id, created: a.sync!, updated: b.sync! };
  }

  const attempt = (syncId: number, ok: boolean): AttemptRecord => ({
    syncId,
    trigger: "automatic",
    requestUrl: hook.url,
    requestHeaders: {},
    responseStatus: ok ? 200 : null,
    responseHeaders: ok ? {} : null,
    responseBody: ok ? "ok" : null,
    durationMs: 3,
    errorKind: ok ? null : "refused",
    errorMessage: ok ? null : "ECONNREFUSED: connect ECONNREFUSED 10.0.0.5:5678",
    succeeded: ok,
  });

  async function health() {
    const [h] = await listIntegrationHealth(t.db);
    return h.health;
  }

  it("counts every refused retry of a sync not yet given up, with failing since and the last success", async () => {
    const { created, updated } = await twoSyncs();
    await recordAttempt(t.db, attempt(created.id, true));
    const succeeded = await health();
    expect(succeeded).toMatchObject({ consecutiveFailures: 0, failingSince: null, lastFailure: null });
    expect(succeeded.lastSuccessAt).not.toBeNull();

    // The receiver refuses every retry of the update; the sync stays pending (not given up).
    for (let i = 0; i < 4; i++) await recordAttempt(t.db, attempt(updated.id, false));
    const failing = await health();
    expect(failing.pending).toBe(1);
    expect(failing.consecutiveFailures).toBe(4);
    expect(failing.lastSuccessAt).toBe(succeeded.lastSuccessAt);
    expect(failing.failingSince).not.toBeNull();
    expect(Date.parse(failing.failingSince!)).toBeGreaterThanOrEqual(Date.parse(succeeded.lastSuccessAt!));
    expect(failing.lastFailure).toMatchObject({
      statusCode: null,
      error: expect.stringContaining("ECONNREFUSED"),
    });
    expect(Date.parse(failing.lastFailure!.at)).toBeGreaterThanOrEqual(Date.parse(failing.failingSince!));

    // A retry that gets through ends the streak.
    await recordAttempt(t.db, attempt(updated.id, true));
    const recovered = await health();
    expect(recovered).toMatchObject({ consecutiveFailures: 0, failingSince: null });
    expect(Date.parse(recovered.lastSuccessAt!)).toBeGreaterThanOrEqual(Date.parse(failing.lastFailure!.at));
    expect(recovered.lastFailure).toEqual(failing.lastFailure);
  });

  it("migration 0005 backfills the same health from the attempts recorded before it", async () => {
    const { created, updated } = await twoSyncs();
    await recordAttempt(t.db, attempt(created.id, false));
    await recordAttempt(t.db, attempt(created.id, true));
    for (let i = 0; i < 3; i++) await recordAttempt(t.db, attempt(updated.id, false));
    const live = await health();
    const migration = fs.readFileSync(
      path.resolve(import.meta.dirname, "../../db/migrations/0005_attempt_health.sql"),
      "utf8",
    );
    const backfill = migration.split("--> statement-breakpoint").at(-1)!;
    await t.db.execute(sql`update integrations set failed_attempts_in_a_row = 0, failing_since = null,
      last_success_at = null, last_failure_at = null, last_failure_status = null, last_failure_error = null`);
    await t.db.execute(sql.raw(backfill));
    const backfilled = await health();
    expect(backfilled).toEqual(live);
    expect(backfilled.consecutiveFailures).toBe(3);
  });

  it("shows a paused integration's pending syncs as waiting, with the reason, not as pending with 0 attempts", async () => {
    const { workItemId, created, updated } = await twoSyncs();
    await recordAttempt(t.db, attempt(created.id, true));
    const reason = "Receiver answered 410 Gone on 2026-12-02T10:00:00.000Z";
    await t.db
      .update(integrations)
      .set({ active: false, pausedReason: reason })
      .where(eq(integrations.id, hook.id));

    const page = await listTimeline(t.db, workItemId);
    const syncs = page.entries.flatMap((e) => e.syncs);
    const byId = new Map(syncs.map((s) => [s.id, s]));
    expect(byId.get(updated.id)).toMatchObject({
      status: "pending",
      attemptCount: 0,
      waitingFor: `integration paused (${reason})`,
    });
    // A settled sync is not waiting for anything.
    expect(byId.get(created.id)).toMatchObject({ status: "synced", waitingFor: null });
    expect((await getSyncDetail(t.db, updated.id, "manager"))?.waitingFor).toBe(
      `integration paused (${reason})`,
    );

    await t.db
      .update(integrations)
      .set({ active: true, pausedReason: null })
      .where(eq(integrations.id, hook.id));
    const resumed = (await listTimeline(t.db, workItemId)).entries.flatMap((e) => e.syncs);
    expect(resumed.find((s) => s.id === updated.id)?.waitingFor).toBeNull();
  });
});
