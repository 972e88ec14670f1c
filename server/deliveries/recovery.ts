import "server-only";
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import { type Db, getDb, rowsOf } from "@/db/client";
import { changeEvents, integrationSyncs, integrations } from "@/db/schema";
import { inngest } from "@/inngest/client";
import { deliveryRequested } from "@/inngest/events";
import { logger } from "@/lib/logger";
import type { OperationResult } from "@/lib/result";
import { getIntegration } from "@/server/integrations/integrations";
import { fanOut } from "./fan-out";
import { awaitsFanOut, type DeliveryRequest } from "./ordering";

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
): Promise<{ fannedOut: number; stuck: number; requests: DeliveryRequest[] }> {
  const requests: DeliveryRequest[] = [];
  const unfanned = await listUnfannedChangeEvents(db, { minutes: LOST_AFTER_MINUTES });
  if (unfanned.length > 0) {
    logger.warn({ count: unfanned.length }, `Fanning out ${unfanned.length} lost change event(s) again`);
  }
  for (const id of unfanned) requests.push(...(await fanOut(db, id, holder)).requests);
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

/** Failed syncs of an integration since a time, oldest first (what "recover" re-delivers). */
async function listFailedSyncIdsSince(db: Db, integrationId: number, since: Date): Promise<number[]> {
  const rows = await db
    .select({ id: integrationSyncs.id })
    .from(integrationSyncs)
    .where(
      and(
        eq(integrationSyncs.integrationId, integrationId),
        eq(integrationSyncs.status, "failed"),
        sql`${integrationSyncs.createdAt} >= ${since.toISOString()}`,
      ),
    )
    .orderBy(asc(integrationSyncs.createdAt), asc(integrationSyncs.id));
  return rows.map((r) => r.id);
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

/** A manual resend: the same sync and webhook-id, a new attempt marked "manual". */
export async function resendSync(
  syncId: number,
  db: Db = getDb(),
): Promise<OperationResult<{ syncId: number }>> {
  const reopened = await reopenSync(db, syncId);
  if (!reopened) {
    const [row] = await db
      .select({ prunedAt: integrationSyncs.prunedAt })
      .from(integrationSyncs)
      .where(eq(integrationSyncs.id, syncId));
    return {
      ok: false,
      message: row?.prunedAt
        ? "This creation was delivered and its payload has since been removed by retention; it is not sent again"
        : "Only a synced or failed sync can be resent",
    };
  }
  await requestDeliveries([syncId], "manual", (id) => `sync-${id}-resend-${Date.now()}`);
  return { ok: true, data: { syncId } };
}

/** Re-delivers every failed sync of an integration since a time, oldest first, each once. */
export async function recoverFailed(
  integrationId: number,
  since: Date,
  db: Db = getDb(),
): Promise<OperationResult<{ requested: number }>> {
  const integration = await getIntegration(db, integrationId);
  if (!integration) return { ok: false, message: "This integration no longer exists" };
  const failed = await listFailedSyncIdsSince(db, integrationId, since);
  const reopened: number[] = [];
  for (const id of failed) if (await reopenSync(db, id)) reopened.push(id);
  const stamp = Date.now();
  await requestDeliveries(reopened, "manual", (id) => `sync-${id}-recover-${stamp}`);
  logger.info(
    { integrationId, requested: reopened.length },
    `Recovering ${reopened.length} failed deliveries`,
  );
  return { ok: true, data: { requested: reopened.length } };
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
