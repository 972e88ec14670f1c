import "server-only";
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import { NonRetriableError, RetryAfterError } from "inngest";
import { type Db, getDb, rowsOf } from "@/db/client";
import { changeEvents, integrationSyncs, integrations, workItems } from "@/db/schema";
import { inngest } from "@/inngest/client";
import { deliveryRequested, failedRecoveryRequested } from "@/inngest/events";
import { logger } from "@/lib/logger";
import type { OperationResult } from "@/lib/result";
import { type AuditActor, recordAudit, SYSTEM_ACTOR } from "@/server/audit/audit";
import { getIntegration } from "@/server/integrations/integrations";
import { deliveryFailedEvents } from "@/server/notifications/ops-webhook";
import { attemptDelivery, getDeliveryContext, markSyncFailed, type OutgoingEvent } from "./attempt";
import { fanOutMany } from "./fan-out";
import { awaitsFanOut, releaseRequests } from "./ordering";

/**
 * The safety net under the retries, and the manager's recovery tools: change events whose fan-out gave
 * up are fanned out again, pending syncs whose run was lost are requested again, a resend or a recovery
 * reopens settled syncs. Everything here is idempotent.
 */

/**
 * A live delivery run records an attempt at least every ~2 h (the longest backoff step), so a pending
 * sync quiet for 3 h has lost its run (or waits behind one that has): ask for it again.
 */
const STUCK_AFTER_MINUTES = 180;
/** A fan-out or delivery request starts within seconds; one silent for 10 minutes has given up. */
const LOST_AFTER_MINUTES = 10;

/**
 * One pass of the recovery cron: fans out lost change events again (their first tries included) and
 * returns the delivery requests for those and for the stuck pending syncs, for step.sendEvent.
 */
export async function recoverLost(
  db: Db,
  holder: string,
): Promise<{ fannedOut: number; stuck: number; requests: OutgoingEvent[] }> {
  const requests: OutgoingEvent[] = [];
  const unfanned = await listUnfannedChangeEvents(db, { minutes: LOST_AFTER_MINUTES });
  if (unfanned.length > 0) {
    logger.warn({ count: unfanned.length }, `Fanning out ${unfanned.length} lost change event(s) again`);
  }
  if (unfanned.length > 0) requests.push(...(await fanOutMany(db, unfanned, holder)).requests);
  const stuck = await listStuckSyncs(db, {
    neverTriedMinutes: LOST_AFTER_MINUTES,
    quietMinutes: STUCK_AFTER_MINUTES,
  });
  if (stuck.length > 0) {
    logger.warn({ count: stuck.length }, `Re-requesting ${stuck.length} stuck pending sync(s)`);
  }
  for (const s of stuck) {
    requests.push(
      deliveryRequested.create(
        { syncId: s.id, trigger: "automatic" },
        { id: `sync-${s.id}-recover-${new Date(s.updatedAt).getTime()}` },
      ),
    );
  }
  return { fannedOut: unfanned.length, stuck: stuck.length, requests };
}

/**
 * Puts a settled sync back to pending for a manual resend; its webhook-id stays the same. A creation
 * sync that retention kept as the ledger has no payload left to send and stays as it is.
 */
async function reopenSync(db: Db, syncId: number): Promise<boolean> {
  const rows = await db
    .update(integrationSyncs)
    .set({ status: "pending", completedAt: null, updatedAt: sql`now()` })
    .where(
      and(
        eq(integrationSyncs.id, syncId),
        inArray(integrationSyncs.status, ["failed", "synced"]),
        isNull(integrationSyncs.prunedAt),
      ),
    )
    .returning({ id: integrationSyncs.id });
  return rows.length > 0;
}

/** Pending syncs of an integration, oldest first (what a resume delivers). */
export async function listPendingSyncIds(db: Db, integrationId: number, limit = 10_000): Promise<number[]> {
  const rows = await db
    .select({ id: integrationSyncs.id })
    .from(integrationSyncs)
    .where(and(eq(integrationSyncs.integrationId, integrationId), eq(integrationSyncs.status, "pending")))
    .orderBy(asc(integrationSyncs.revision), asc(integrationSyncs.id))
    .limit(limit);
  return rows.map((r) => r.id);
}

/**
 * The first pending sync(s) (one revision) of each object's line at one integration: what a resume
 * requests. The run that settles a line's head goes on down the line (runs.ts continueLine), so the rest
 * need no run of their own (one would only wait for the lease of the run delivering it).
 */
export async function listPendingLineHeads(db: Db, integrationId: number, limit = 10_000): Promise<number[]> {
  const rows = rowsOf<{ id: number | string }>(
    await db.execute(sql`
      select s.id from ${integrationSyncs} s
      where s.integration_id = ${integrationId} and s.status = 'pending'
        and not exists (
          select 1 from ${integrationSyncs} o
          where o.integration_id = s.integration_id and o.subject_type = s.subject_type
            and o.subject_id = s.subject_id and o.status = 'pending' and o.revision < s.revision
        )
      order by s.revision, s.id
      limit ${limit}`),
  );
  return rows.map((r) => Number(r.id));
}

/**
 * Pending syncs whose run was lost, for the recovery cron: never tried although `neverTriedMinutes`
 * old and not waiting behind an older pending delivery of the same integration and object (a request
 * starts within seconds, so its run died before its first try), or quiet for `quietMinutes` (a live
 * run records an attempt at least every ~2 h). Only active integrations: a paused one resumes itself.
 */
export async function listStuckSyncs(
  db: Db,
  { neverTriedMinutes, quietMinutes }: { neverTriedMinutes: number; quietMinutes: number },
  limit = 500,
): Promise<{ id: number; updatedAt: Date }[]> {
  return db
    .select({ id: integrationSyncs.id, updatedAt: integrationSyncs.updatedAt })
    .from(integrationSyncs)
    .innerJoin(integrations, eq(integrations.id, integrationSyncs.integrationId))
    .where(
      and(
        eq(integrationSyncs.status, "pending"),
        eq(integrations.active, true),
        sql`(
          ${integrationSyncs.updatedAt} < now() - make_interval(mins => ${quietMinutes})
          or (
            ${integrationSyncs.attemptCount} = 0
            and ${integrationSyncs.createdAt} < now() - make_interval(mins => ${neverTriedMinutes})
            and not exists (
              select 1 from ${integrationSyncs} older
              where older.integration_id = ${integrationSyncs.integrationId}
                and older.subject_type = ${integrationSyncs.subjectType}
                and older.subject_id = ${integrationSyncs.subjectId}
                and older.revision < ${integrationSyncs.revision}
                and older.status = 'pending'
            )
          )
        )`,
      ),
    )
    .orderBy(asc(integrationSyncs.id))
    .limit(limit);
}

/**
 * Change events sent to Inngest at least `minutes` ago (and within the last day) that an active,
 * subscribed integration has no sync for: their fan-out run gave up (e.g. the database was away for
 * all its retries). Creation events that already have their object's creation sync do not count.
 */
export async function listUnfannedChangeEvents(
  db: Db,
  { minutes }: { minutes: number },
  limit = 200,
): Promise<string[]> {
  const result = await db.execute<{ id: string }>(sql`
    select ce.id from ${changeEvents} ce
    where ce.dispatched_at is not null
      and ce.created_at < now() - make_interval(mins => ${minutes})
      and ce.created_at > now() - interval '1 day'
      and exists (
        select 1 from ${integrations} i
        where i.active and i.created_at <= ce.created_at
          and ${awaitsFanOut}
      )
    order by ce.created_at
    limit ${limit}`);
  return rowsOf<{ id: string }>(result).map((r) => r.id);
}

/** "sync 42 (RMA-000012 → n8n)", the sync as the audit log names it. */
async function syncLabel(db: Db, syncId: number): Promise<string> {
  const [row] = await db
    .select({ reference: workItems.reference, integration: integrations.name })
    .from(integrationSyncs)
    .innerJoin(integrations, eq(integrations.id, integrationSyncs.integrationId))
    .leftJoin(workItems, eq(workItems.id, integrationSyncs.workItemId))
    .where(eq(integrationSyncs.id, syncId));
  if (!row) return `sync ${syncId}`;
  return `sync ${syncId} (${row.reference ?? "deleted item"} → ${row.integration})`;
}

/**
 * A manual resend: the same sync and webhook-id, a new attempt marked "manual". The reopen and its audit
 * entry commit together; a refusal is recorded too.
 */
export async function resendSync(
  syncId: number,
  db: Db = getDb(),
  actor: AuditActor = SYSTEM_ACTOR,
): Promise<OperationResult<{ syncId: number }>> {
  const label = await syncLabel(db, syncId);
  const target = { type: "sync" as const, id: syncId, label };
  const reopened = await db.transaction(async (tx) => {
    const ok = await reopenSync(tx, syncId);
    if (ok) await recordAudit(tx, { actor, action: "sync.resend", target, outcome: "succeeded" });
    return ok;
  });
  if (!reopened) {
    const [row] = await db
      .select({ prunedAt: integrationSyncs.prunedAt })
      .from(integrationSyncs)
      .where(eq(integrationSyncs.id, syncId));
    const message = !row
      ? "This sync no longer exists"
      : row.prunedAt
        ? "This creation was delivered and its payload has since been removed by retention; it is not sent again"
        : "Only a synced or failed sync can be resent";
    await recordAudit(db, { actor, action: "sync.resend", target, outcome: "refused", message });
    return { ok: false, message };
  }
  await requestDeliveries([syncId], "manual", (id) => `sync-${id}-resend-${Date.now()}`);
  return { ok: true, data: { syncId } };
}

/** What "recover failed" covers: one integration (or all), failed syncs created in [since, until]. */
export type RecoveryScope = { integrationId: number | null; since: Date; until: Date };

export type RecoveryPreview = {
  /** The integration asked for, or null for all of them. */
  integrationId: number | null;
  integrationName: string | null;
  since: string;
  until: string;
  count: number;
  /** The integrations that have failed syncs in the range, with how many each. */
  integrations: { id: number; name: string; count: number }[];
};

const inScope = (scope: RecoveryScope) =>
  and(
    eq(integrationSyncs.status, "failed"),
    isNull(integrationSyncs.prunedAt),
    sql`${integrationSyncs.createdAt} >= ${scope.since.toISOString()}`,
    sql`${integrationSyncs.createdAt} <= ${scope.until.toISOString()}`,
    scope.integrationId === null ? undefined : eq(integrationSyncs.integrationId, scope.integrationId),
  );

/** What a recovery would re-deliver, before it does: counted per integration. */
export async function previewRecovery(
  scope: RecoveryScope,
  db: Db = getDb(),
): Promise<OperationResult<RecoveryPreview>> {
  const integration = scope.integrationId === null ? null : await getIntegration(db, scope.integrationId);
  if (scope.integrationId !== null && !integration) {
    return { ok: false, message: "This integration no longer exists" };
  }
  const rows = await db
    .select({ id: integrations.id, name: integrations.name, count: sql<number>`count(*)::int` })
    .from(integrationSyncs)
    .innerJoin(integrations, eq(integrations.id, integrationSyncs.integrationId))
    .where(inScope(scope))
    .groupBy(integrations.id, integrations.name)
    .orderBy(asc(integrations.name));
  const counts = rows.map((r) => ({ ...r, count: Number(r.count) }));
  return {
    ok: true,
    data: {
      integrationId: scope.integrationId,
      integrationName: integration?.name ?? null,
      since: scope.since.toISOString(),
      until: scope.until.toISOString(),
      count: counts.reduce((n, r) => n + r.count, 0),
      integrations: counts,
    },
  };
}

/**
 * Re-delivers every failed sync in the scope, each once: one recover-failed-syncs run per integration
 * (inngest/functions/maintenance.ts), which sends them one at a time in change-event order. The event
 * id names the scope, so a repeated confirm of the same preview starts nothing new.
 */
export async function recoverFailed(
  scope: RecoveryScope,
  db: Db = getDb(),
  actor: AuditActor = SYSTEM_ACTOR,
): Promise<OperationResult<RecoveryPreview>> {
  const preview = await previewRecovery(scope, db);
  const range = { since: scope.since.toISOString(), until: scope.until.toISOString() };
  const target = {
    type: "integration" as const,
    id: scope.integrationId,
    label: preview.ok
      ? `failed syncs of ${preview.data.integrationName ? `integration ${preview.data.integrationName}` : "all integrations"}`
      : `failed syncs of integration ${scope.integrationId}`,
  };
  if (!preview.ok) {
    await recordAudit(db, {
      actor,
      action: "syncs.recover",
      target,
      outcome: "refused",
      message: preview.message,
      details: range,
    });
    return preview;
  }
  const events = preview.data.integrations.map((i) =>
    failedRecoveryRequested.create(
      { integrationId: i.id, since: preview.data.since, until: preview.data.until },
      { id: `recover-${i.id}-${scope.since.getTime()}-${scope.until.getTime()}` },
    ),
  );
  if (events.length > 0) await inngest.send(events);
  // After the events are sent (no transaction spans Inngest): the range and what it counted.
  await recordAudit(db, {
    actor,
    action: "syncs.recover",
    target,
    outcome: "succeeded",
    details: {
      ...range,
      count: preview.data.count,
      integrations: preview.data.integrations.map((i) => ({ id: i.id, name: i.name, count: i.count })),
    },
  });
  logger.info(
    { integrationId: scope.integrationId, requested: preview.data.count },
    `Recovering ${preview.data.count} failed deliveries`,
  );
  return preview;
}

/** A recovery takes at most this many syncs per integration; what is left, a second recovery takes. */
const RECOVERY_LIMIT = 10_000;

/**
 * Reopens the failed syncs of one integration in the scope, in one statement, and returns them in
 * change-event order (the order the saves happened in across all objects; revision, then id, break
 * ties). A creation kept as the ledger is never failed, so never reopened.
 */
export async function reopenFailedInChangeOrder(
  db: Db,
  scope: RecoveryScope & { integrationId: number },
): Promise<number[]> {
  const result = await db.execute<{ id: number }>(sql`
    with picked as (
      select ${integrationSyncs.id} as id, ce.created_at as changed_at, ${integrationSyncs.revision} as revision
      from ${integrationSyncs}
      join ${changeEvents} ce on ce.id = ${integrationSyncs.changeEventId}
      where ${inScope(scope)}
      order by ce.created_at, ${integrationSyncs.revision}, ${integrationSyncs.id}
      limit ${RECOVERY_LIMIT}
    ), reopened as (
      update ${integrationSyncs} set status = 'pending', completed_at = null, updated_at = now()
      from picked
      where ${integrationSyncs.id} = picked.id and ${integrationSyncs.status} = 'failed'
      returning ${integrationSyncs.id} as id, picked.changed_at, picked.revision
    )
    select id from reopened order by changed_at, revision, id`);
  return rowsOf<{ id: number | string }>(result).map((r) => Number(r.id));
}

export type RecoveredBatch = {
  synced: number;
  failed: number;
  /** Waiting behind an older delivery of the same object, for a resume, or for another run's try. */
  waiting: number;
  /** Handed to a deliver-webhook run of their own (it retries with backoff). */
  handedOff: number;
  requests: OutgoingEvent[];
};

/**
 * Tries reopened syncs one at a time, in the order given (change-event order), so they arrive in the
 * order their changes were made across the integration, not only per object. A sync that cannot go
 * now keeps its place the usual way: a retryable failure gets a deliver-webhook run of its own, one
 * waiting behind an older delivery of its object is released by it. A settled sync releases the next
 * delivery of its object unless that one is `later` in this recovery (it comes in its turn).
 */
export async function deliverRecoveredInOrder(
  db: Db,
  syncIds: number[],
  later: ReadonlySet<number>,
  holder: string,
): Promise<RecoveredBatch> {
  const result: RecoveredBatch = { synced: 0, failed: 0, waiting: 0, handedOff: 0, requests: [] };
  for (const syncId of syncIds) {
    try {
      const attempt = await attemptDelivery(db, syncId, "manual", holder);
      const { outcome } = attempt;
      if (attempt.outcome === "paused" && attempt.notify) result.requests.push(attempt.notify);
      if (outcome === "missing") continue;
      if (outcome === "waiting" || outcome === "paused" || outcome === "in-flight") {
        result.waiting++;
        continue;
      }
      if (outcome === "synced") result.synced++;
    } catch (error) {
      if (!(error instanceof NonRetriableError)) {
        const notBefore = error instanceof RetryAfterError ? error.retryAfter : undefined;
        result.requests.push(
          deliveryRequested.create(
            { syncId, trigger: "manual", ...(notBefore ? { notBefore } : {}) },
            { id: `sync-${syncId}-recover-${holder}` },
          ),
        );
        result.handedOff++;
        continue;
      }
      const failed = await markSyncFailed(db, syncId, error.message);
      const ctx = failed ? await getDeliveryContext(db, syncId) : undefined;
      if (failed && ctx) {
        result.requests.push(
          ...deliveryFailedEvents({
            syncId,
            integrationId: ctx.sync.integrationId,
            attempts: failed.attempts,
            error: error.message,
          }),
        );
      }
      result.failed++;
    }
    const ctx = await getDeliveryContext(db, syncId);
    if (!ctx) continue;
    const released = await releaseRequests(db, ctx.sync);
    result.requests.push(...released.filter((r) => !later.has(r.data.syncId)));
  }
  return result;
}

/** Requests delivery runs from outside a function (a server action), 500 events per send. */
export async function requestDeliveries(
  syncIds: number[],
  trigger: "automatic" | "manual",
  eventId: (syncId: number) => string,
): Promise<void> {
  for (let i = 0; i < syncIds.length; i += 500) {
    const chunk = syncIds.slice(i, i + 500);
    await inngest.send(
      chunk.map((syncId) => deliveryRequested.create({ syncId, trigger }, { id: eventId(syncId) })),
    );
  }
}
