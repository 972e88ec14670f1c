import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  type Integration,
  type IntegrationSync,
  integrationSyncs,
  integrations,
  syncAttempts,
} from "@/db/schema";
import { type AttemptRecord, recordAttempt } from "@/server/deliveries/attempt";
import { createSyncsForChangeEvent } from "@/server/deliveries/fan-out";
import { findBlocker, releaseRequests } from "@/server/deliveries/ordering";
import { listIntegrationHealth } from "@/server/integrations/health";
import { workItemCreateSchema } from "@/server/work-items/validation";
import { type Actor, createWorkItem, updateWorkItem } from "@/server/work-items/work-items";
import { createTestDb, DRIVERS, type TestDb } from "../support/db";

const TESS: Actor = { id: "user-tess", name: "Tess Technician" };
const ITEM = workItemCreateSchema.parse({ title: "Replace screen", customerName: "M K", device: "Pixel 8" });

/**
 * The delivery path's hot statements (what blocks a sync, recording an attempt, what a settled sync
 * releases) are shared by every caller in the same turn of the event loop: a fan-out's 60 concurrent
 * first tries cost one round trip each, not 60. Each caller must still get exactly its own answer, and
 * a batch must leave the database as the same calls one after another would.
 */
describe.each(DRIVERS)("batched delivery statements on %s", (driver) => {
  let t: TestDb;
  let hook: Integration;
  let other: Integration;

  beforeAll(async () => {
    t = await createTestDb(driver);
  });
  afterAll(async () => t?.close());
  beforeEach(async () => {
    await t.reset();
    [hook, other] = await t.db
      .insert(integrations)
      .values(
        ["n8n", "slack"].map((name) => ({
          name,
          url: `https://${name}.example/webhook/x`,
          eventTypes: ["workitem_created" as const, "workitem_updated" as const],
          secret: "whsec_a",
          createdAt: new Date(Date.now() - 86_400_000),
        })),
      )
      .returning();
  });

  /** A work item saved `saves` times, with its (pending) syncs at both integrations, oldest first. */
  async function history(saves: number): Promise<{ mine: IntegrationSync[]; theirs: IntegrationSync[] }> {
    const created = await createWorkItem(t.db, ITEM, TESS);
    if (!created.ok) throw new Error("create failed");
    const mine: IntegrationSync[] = [];
    const theirs: IntegrationSync[] = [];
    const keep = async (event: (typeof created.events)[number]) => {
      const [a, b] = await createSyncsForChangeEvent(t.db, event, [hook, other]);
      mine.push(a.sync!);
      theirs.push(b.sync!);
    };
    await keep(created.events[0]);
    for (let i = 1; i <= saves; i++) {
      const saved = await updateWorkItem(t.db, created.row.id, { revision: i, title: `Save ${i}` }, TESS);
      if (!saved.ok || !saved.changed) throw new Error("save failed");
      await keep(saved.events[0]);
    }
    return { mine, theirs };
  }

  const attempt = (syncId: number, ok: boolean, error = "HTTP 503"): AttemptRecord => ({
    syncId,
    trigger: "automatic",
    requestUrl: hook.url,
    requestHeaders: { "webhook-id": `msg_${syncId}` },
    responseStatus: ok ? 200 : 503,
    responseHeaders: {},
    responseBody: ok ? "ok" : "busy",
    durationMs: 3,
    errorKind: ok ? null : "http",
    errorMessage: ok ? null : error,
    succeeded: ok,
  });

  it("records attempts made in the same turn in one statement, as if recorded one after another", async () => {
    const { mine, theirs } = await history(4);
    const execute = vi.spyOn(t.db, "execute");
    // In call order at n8n: fail, fail, success, fail, fail → two in a row since the success.
    const results = await Promise.all([
      recordAttempt(t.db, attempt(mine[0].id, false, "first")),
      recordAttempt(t.db, attempt(mine[1].id, false, "second")),
      recordAttempt(t.db, attempt(theirs[0].id, true)),
      recordAttempt(t.db, attempt(mine[2].id, true)),
      recordAttempt(t.db, attempt(mine[3].id, false, "fourth")),
      recordAttempt(t.db, attempt(mine[4].id, false, "last")),
    ]);
    expect(execute).toHaveBeenCalledTimes(1);
    execute.mockRestore();

    expect(results.map((r) => r?.number)).toEqual([1, 1, 1, 1, 1, 1]);
    // Every n8n attempt carries its integration's streak after the batch; slack's success is no streak.
    expect(results.map((r) => r?.streak.failures)).toEqual([2, 2, 0, 2, 2, 2]);
    const byName = new Map((await listIntegrationHealth(t.db)).map((h) => [h.name, h.health]));
    expect(byName.get("n8n")).toMatchObject({
      consecutiveFailures: 2,
      lastFailure: { statusCode: 503, error: "last" },
    });
    expect(byName.get("n8n")?.failingSince).not.toBeNull();
    expect(byName.get("slack")).toMatchObject({
      consecutiveFailures: 0,
      failingSince: null,
      lastFailure: null,
    });

    const rows = await t.db
      .select()
      .from(integrationSyncs)
      .where(eq(integrationSyncs.integrationId, hook.id));
    const status = new Map(rows.map((r) => [r.id, r]));
    expect(mine.map((s) => status.get(s.id)?.status)).toEqual([
      "pending",
      "pending",
      "synced",
      "pending",
      "pending",
    ]);
    expect(rows.map((r) => r.attemptCount)).toEqual([1, 1, 1, 1, 1]);
    expect(rows.every((r) => r.leaseHolder === null)).toBe(true);
    const written = await t.db.select().from(syncAttempts);
    expect(written).toHaveLength(6);
    expect(written.find((a) => a.syncId === mine[4].id)).toMatchObject({
      number: 1,
      responseStatus: 503,
      errorMessage: "last",
      requestHeaders: { "webhook-id": `msg_${mine[4].id}` },
    });
  });

  it("numbers two attempts of one sync in one turn 1 and 2 instead of counting one", async () => {
    const { mine } = await history(0);
    const [a, b] = await Promise.all([
      recordAttempt(t.db, attempt(mine[0].id, false)),
      recordAttempt(t.db, attempt(mine[0].id, true)),
    ]);
    expect([a?.number, b?.number]).toEqual([1, 2]);
    const [row] = await t.db.select().from(integrationSyncs).where(eq(integrationSyncs.id, mine[0].id));
    expect(row).toMatchObject({ attemptCount: 2, status: "synced" });
  });

  it("answers each sync's blocker in one statement: the oldest goes, the next waits for it, a paused integration says so", async () => {
    const { mine, theirs } = await history(2);
    await t.db
      .update(integrations)
      .set({ active: false, pausedReason: "paused by Ada" })
      .where(eq(integrations.id, other.id));
    const execute = vi.spyOn(t.db, "execute");
    const answers = await Promise.all([
      findBlocker(t.db, mine[0]),
      findBlocker(t.db, mine[2]),
      findBlocker(t.db, theirs[0]),
      findBlocker(t.db, mine[1]),
    ]);
    expect(execute).toHaveBeenCalledTimes(1);
    execute.mockRestore();
    expect(answers).toEqual([
      null,
      { kind: "older", syncId: mine[0].id, changeEventId: null },
      { kind: "paused", reason: "paused by Ada" },
      { kind: "older", syncId: mine[0].id, changeEventId: null },
    ]);
  });

  it("releases, in one statement, the next pending sync of each settled one's integration and object", async () => {
    const { mine, theirs } = await history(2);
    await recordAttempt(t.db, attempt(mine[0].id, true));
    const execute = vi.spyOn(t.db, "execute");
    const [afterMine, afterTheirs, afterLast] = await Promise.all([
      releaseRequests(t.db, mine[0]),
      releaseRequests(t.db, theirs[1]),
      releaseRequests(t.db, mine[2]),
    ]);
    expect(execute).toHaveBeenCalledTimes(1);
    execute.mockRestore();
    expect(afterMine.map((r) => [r.data.syncId, r.id])).toEqual([
      [mine[1].id, `sync-${mine[1].id}-after-${mine[0].id}`],
    ]);
    expect(afterTheirs.map((r) => r.data.syncId)).toEqual([theirs[2].id]);
    expect(afterLast).toEqual([]);
  });
});
