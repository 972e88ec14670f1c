import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ChangeEvent,
  CREATION_EVENT_TYPES,
  changeEvents,
  integrationSyncs,
  syncAttempts,
  workItems,
} from "@/db/schema";
import { CHANGE_EVENT_NAMES } from "@/inngest/events";
import { createTestDb, type TestDb } from "../support/db";
import { waitForEventRunsToFinish } from "../support/pipeline";
import { saveBurst } from "./support/burst";
import {
  type FaultStack,
  startFaultStack,
  unsettledSyncs,
  waitForAll,
  waitForSettled,
} from "./support/harness";

const isCreation = (e: ChangeEvent) => (CREATION_EVENT_TYPES as readonly string[]).includes(e.eventType);

describe("retention while the app is killed, then every creation replayed", () => {
  let db: TestDb;
  let stack: FaultStack;

  beforeAll(async () => {
    db = await createTestDb("postgres");
    stack = await startFaultStack({ db, integrations: 2, retryInterval: "1s" });
  });
  afterAll(async () => {
    await stack?.close();
    await db?.close();
  });

  it("prunes old deliveries, keeps the creation ledger, and a replayed creation is delivered to no one", async () => {
    const { inngest } = await import("@/inngest/client");
    const { retentionRequested } = await import("@/inngest/events");
    const old = await saveBurst(stack, { items: 20, updates: 2, label: "Old" });
    expect(old.failures).toEqual([]);
    await waitForAll(stack, db, 120_000);
    await waitForSettled(db, 60_000);
    const oldIds = old.committedEvents.map((e) => e.id);
    await db.db
      .update(changeEvents)
      .set({ createdAt: sql`now() - interval '200 days'` })
      .where(inArray(changeEvents.id, oldIds));
    await db.db
      .update(integrationSyncs)
      .set({ createdAt: sql`now() - interval '200 days'` })
      .where(inArray(integrationSyncs.changeEventId, oldIds));
    const oldCreationIds = old.committedEvents.filter(isCreation).map((e) => e.id);
    const ledgerIds = oldCreationIds.flatMap((e) => stack.integrationIds.map((i) => `msg_${e}_${i}`));
    const answeredBefore = new Map(ledgerIds.map((id) => [id, stack.successes.get(id) ?? 0]));

    // The prune runs in the app while new saves are delivered; the app is killed and restarted meanwhile.
    const fresh = saveBurst(stack, { items: 10, updates: 2, label: "Fresh" });
    const { ids: pruneEvent } = await inngest.send(retentionRequested.create({ reason: "fault test" }));
    await stack.app.kill();
    await stack.app.start();
    const freshResult = await fresh;
    expect(freshResult.failures).toEqual([]);
    const pruneRuns = await waitForEventRunsToFinish(stack.engineUrl, pruneEvent, { timeoutMs: 90_000 });
    expect(pruneRuns.filter((r) => r.function_id.endsWith("prune-old-syncs")).map((r) => r.status)).toEqual([
      "Completed",
    ]);
    await waitForAll(stack, db, 150_000);
    await waitForSettled(db, 60_000);

    const oldSyncs = await db.db
      .select()
      .from(integrationSyncs)
      .where(inArray(integrationSyncs.changeEventId, oldIds));
    expect(oldSyncs.map((s) => s.webhookId).sort()).toEqual([...ledgerIds].sort());
    expect(oldSyncs.every((s) => s.status === "synced" && s.prunedAt !== null)).toBe(true);
    expect(
      await db.db
        .select({ id: syncAttempts.id })
        .from(syncAttempts)
        .where(
          inArray(
            syncAttempts.syncId,
            oldSyncs.map((s) => s.id),
          ),
        ),
    ).toEqual([]);
    const freshIds = freshResult.committedEvents.map((e) => e.id);
    const freshSyncs = await db.db
      .select()
      .from(integrationSyncs)
      .where(inArray(integrationSyncs.changeEventId, freshIds));
    expect(freshSyncs).toHaveLength(freshIds.length * stack.integrationIds.length);
    expect(freshSyncs.filter((s) => s.prunedAt !== null)).toEqual([]);

    // Replayed past the engine's 24 h dedupe (new event ids), and the recovery asked to look too.
    const references = new Map(
      (await db.db.select({ id: workItems.id, reference: workItems.reference }).from(workItems)).map((w) => [
        w.id,
        w.reference,
      ]),
    );
    const replay = old.committedEvents.filter(isCreation).map((e) => ({
      name: CHANGE_EVENT_NAMES[e.eventType],
      id: `replayed-${e.id}`,
      data: {
        changeEventId: e.id,
        eventType: e.eventType,
        workItemId: e.workItemId,
        reference: references.get(e.workItemId)!,
        subjectType: e.subjectType,
        subjectId: e.subjectId,
        revision: e.revision,
      },
    }));
    const { ids: replayed } = await inngest.send(replay);
    const runs = await waitForEventRunsToFinish(stack.engineUrl, replayed, { timeoutMs: 90_000 });
    expect(runs.filter((r) => r.function_id.endsWith("fan-out-change-event"))).toHaveLength(replay.length);
    expect(runs.filter((r) => r.status !== "Completed")).toEqual([]);
    for (const id of ledgerIds) expect(stack.successes.get(id) ?? 0, id).toBe(answeredBefore.get(id));
    expect(
      await db.db
        .select({ id: integrationSyncs.id })
        .from(integrationSyncs)
        .where(and(inArray(integrationSyncs.changeEventId, oldIds), isNull(integrationSyncs.prunedAt))),
    ).toEqual([]);
    expect(await unsettledSyncs(db)).toEqual([]);
    const [{ n }] = await db.db
      .select({ n: sql<number>`count(*)::int` })
      .from(integrationSyncs)
      .where(eq(integrationSyncs.status, "synced"));
    console.info(
      `[faults] retention: ${oldSyncs.length} creation syncs kept as the ledger, ${old.committedEvents.length * stack.integrationIds.length - oldSyncs.length} update syncs pruned, ${replay.length} creations replayed and delivered to no one; ${n} synced rows left`,
    );
  });
});
