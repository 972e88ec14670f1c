import { and, asc, eq, gt, inArray, sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";
import {
  type AttemptTrigger,
  type ChangeEvent,
  CREATION_EVENT_TYPES,
  changeEvents,
  type ErrorKind,
  type Integration,
  type IntegrationSync,
  integrationSyncs,
  integrations,
  syncAttempts,
  workItems,
} from "@/db/schema";

export type ChangeEventWithReference = ChangeEvent & { reference: string };

export async function getChangeEventWithReference(
  db: Db,
  changeEventId: string,
): Promise<ChangeEventWithReference | undefined> {
  const [row] = await db
    .select({ event: changeEvents, reference: workItems.reference })
    .from(changeEvents)
    .innerJoin(workItems, eq(workItems.id, changeEvents.workItemId))
    .where(eq(changeEvents.id, changeEventId));
  return row ? { ...row.event, reference: row.reference } : undefined;
}

/** Integrations subscribed to an event type, paused ones included: their syncs wait for a resume. */
export async function listSubscribedIntegrations(db: Db, eventType: string): Promise<Integration[]> {
  return db
    .select()
    .from(integrations)
    .where(sql`${integrations.eventTypes} @> ${JSON.stringify([eventType])}::jsonb`)
    .orderBy(asc(integrations.id));
}

export function isCreationEvent(eventType: string): boolean {
  return (CREATION_EVENT_TYPES as readonly string[]).includes(eventType);
}

export type SyncPlan = {
  integration: Integration;
  /** The sync row for this change event, or null when a creation sync already existed. */
  sync: IntegrationSync | null;
};

/**
 * Creates one sync row per subscribed integration. Insert-if-absent: a retried fan-out step finds its
 * own rows (unique per change event and integration), and a creation event whose object already has a
 * creation sync for that integration gets none (the partial unique index). With `claim`, new rows of
 * active integrations are born leased to that claimant (the fan-out's run), so its first try needs no
 * claim round trip.
 */
export async function createSyncsForChangeEvent(
  db: Db,
  event: ChangeEvent,
  subscribers: Integration[],
  buildPayload: (event: ChangeEvent) => Promise<Record<string, unknown>>,
  claim?: { claimant: string; leaseMs: number },
): Promise<SyncPlan[]> {
  if (subscribers.length === 0) return [];
  const payload = await buildPayload(event);
  const inserted = await db
    .insert(integrationSyncs)
    .values(
      subscribers.map((integration) => ({
        integrationId: integration.id,
        contentType: event.subjectType,
        objectId: event.subjectId,
        workItemId: event.workItemId,
        changeEventId: event.id,
        eventType: event.eventType,
        revision: event.revision,
        webhookId: `msg_${event.id}_${integration.id}`,
        payload,
        ...(claim && integration.active
          ? {
              claimedBy: claim.claimant,
              claimedUntil: sql`now() + ${claim.leaseMs} * interval '1 millisecond'`,
            }
          : {}),
      })),
    )
    .onConflictDoNothing()
    .returning();
  // Rows that were there already (a retried step) are read back; the usual case needs no second query.
  const rows =
    inserted.length === subscribers.length
      ? inserted
      : await db.select().from(integrationSyncs).where(eq(integrationSyncs.changeEventId, event.id));
  const byIntegration = new Map(rows.map((r) => [r.integrationId, r]));
  return subscribers.map((integration) => ({ integration, sync: byIntegration.get(integration.id) ?? null }));
}

export type DeliveryContext = {
  sync: IntegrationSync;
  integration: Integration;
  reference: string;
};

export async function getDeliveryContext(db: Db, syncId: number): Promise<DeliveryContext | undefined> {
  const [row] = await db
    .select({ sync: integrationSyncs, integration: integrations, reference: workItems.reference })
    .from(integrationSyncs)
    .innerJoin(integrations, eq(integrations.id, integrationSyncs.integrationId))
    .innerJoin(workItems, eq(workItems.id, integrationSyncs.workItemId))
    .where(eq(integrationSyncs.id, syncId));
  return row;
}

/**
 * SQL over aliases `ce` (a change event) and `i` (an integration): `i` subscribes to `ce` but has no
 * sync for it yet, and `ce` is not a creation whose object already has its creation sync at `i`.
 */
const awaitsFanOut = sql`i.event_types @> jsonb_build_array(ce.event_type::text)
  and not exists (select 1 from ${integrationSyncs} s where s.change_event_id = ce.id and s.integration_id = i.id)
  and not (ce.event_type in ('workitem_created', 'task_created') and exists (
    select 1 from ${integrationSyncs} s where s.integration_id = i.id and s.content_type = ce.subject_type
      and s.object_id = ce.subject_id and s.event_type = ce.event_type
  ))`;

/**
 * Deliveries to one integration for one object go out in revision order. Returns what an older
 * delivery is still waiting on, or null when this sync may go: an older pending sync, or an older
 * change event whose fan-out has not created its sync yet (fan-outs may finish out of order).
 */
export async function findOrderingBlocker(
  db: Db,
  sync: Pick<IntegrationSync, "integrationId" | "contentType" | "objectId" | "revision">,
): Promise<{ syncId: number | null; changeEventId: string | null } | null> {
  // One round trip (this runs once per try); the second question is asked only when the first finds nothing.
  const result = await db.execute<{ older_sync: number | null; unfanned: string | null }>(sql`
    with older as (
      select s.id from ${integrationSyncs} s
      where s.integration_id = ${sync.integrationId}::int and s.content_type = ${sync.contentType}::subject_type
        and s.object_id = ${sync.objectId}::int and s.revision < ${sync.revision}::int and s.status = 'pending'
      order by s.revision, s.id
      limit 1
    )
    select (select id from older) as older_sync,
      case when not exists (select 1 from older) then (
        select ce.id from ${changeEvents} ce
        join ${integrations} i on i.id = ${sync.integrationId}::int
        where ce.subject_type = ${sync.contentType}::subject_type and ce.subject_id = ${sync.objectId}::int
          and ce.revision < ${sync.revision}::int
          and ce.created_at >= greatest(i.created_at, now() - interval '1 hour')
          and ${awaitsFanOut}
        limit 1
      ) end as unfanned`);
  const [row] = rowsOf<{ older_sync: number | string | null; unfanned: string | null }>(result);
  if (row?.older_sync != null) return { syncId: Number(row.older_sync), changeEventId: null };
  if (row?.unfanned != null) return { syncId: null, changeEventId: row.unfanned };
  return null;
}

/** The oldest pending syncs (all of the lowest revision) of the same integration and object after a revision. */
export async function findNextPendingSyncs(
  db: Db,
  sync: Pick<IntegrationSync, "integrationId" | "contentType" | "objectId" | "revision">,
): Promise<number[]> {
  const rows = await db
    .select({ id: integrationSyncs.id, revision: integrationSyncs.revision })
    .from(integrationSyncs)
    .where(
      and(
        eq(integrationSyncs.integrationId, sync.integrationId),
        eq(integrationSyncs.contentType, sync.contentType),
        eq(integrationSyncs.objectId, sync.objectId),
        gt(integrationSyncs.revision, sync.revision),
        eq(integrationSyncs.status, "pending"),
      ),
    )
    .orderBy(asc(integrationSyncs.revision), asc(integrationSyncs.id))
    .limit(20);
  const lowest = rows[0]?.revision;
  return rows.filter((r) => r.revision === lowest).map((r) => r.id);
}

/**
 * Takes the lease on a pending sync for one try: true when `claimant` holds it now (it was free, had
 * expired, or was already this claimant's: a retried step of the same run). False when the sync is
 * not pending or another run is posting it right now.
 */
export async function claimSync(db: Db, syncId: number, claimant: string, leaseMs: number): Promise<boolean> {
  const rows = await db
    .update(integrationSyncs)
    .set({ claimedBy: claimant, claimedUntil: sql`now() + ${leaseMs} * interval '1 millisecond'` })
    .where(
      and(
        eq(integrationSyncs.id, syncId),
        eq(integrationSyncs.status, "pending"),
        sql`(${integrationSyncs.claimedUntil} is null or ${integrationSyncs.claimedUntil} < now() or ${integrationSyncs.claimedBy} = ${claimant})`,
      ),
    )
    .returning({ id: integrationSyncs.id });
  return rows.length > 0;
}

/** Gives the lease back without a try (the sync waits behind an older one, or its integration is paused). */
export async function releaseClaim(db: Db, syncId: number, claimant: string): Promise<void> {
  await db
    .update(integrationSyncs)
    .set({ claimedBy: null, claimedUntil: null })
    .where(and(eq(integrationSyncs.id, syncId), eq(integrationSyncs.claimedBy, claimant)));
}

export type AttemptRecord = {
  syncId: number;
  trigger: AttemptTrigger;
  requestUrl: string;
  requestHeaders: Record<string, string>;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  durationMs: number;
  errorKind: ErrorKind | null;
  errorMessage: string | null;
  succeeded: boolean;
};

/**
 * Writes one attempt row, moves the sync's counters and gives its lease back, in one statement (one
 * round trip: this runs once per try). Returns the attempt number, or null when the sync was deleted
 * meanwhile (its integration removed).
 */
export async function recordAttempt(db: Db, a: AttemptRecord): Promise<number | null> {
  const result = await db.execute<{ number: number }>(sql`
    with updated as (
      update ${integrationSyncs} set
        attempt_count = attempt_count + 1,
        last_status_code = ${a.responseStatus}::int,
        last_error = ${a.errorMessage}::text,
        last_duration_ms = ${a.durationMs}::int,
        updated_at = now(),
        claimed_by = null,
        claimed_until = null,
        status = case when ${a.succeeded}::boolean then 'synced'::sync_status else status end,
        completed_at = case when ${a.succeeded}::boolean then now() else completed_at end
      where id = ${a.syncId}::bigint
      returning attempt_count
    )
    insert into ${syncAttempts} (sync_id, number, trigger, request_url, request_headers, response_status,
      response_headers, response_body, duration_ms, error_kind, error_message)
    select ${a.syncId}::bigint, attempt_count, ${a.trigger}::attempt_trigger, ${a.requestUrl}::text,
      ${JSON.stringify(a.requestHeaders)}::jsonb, ${a.responseStatus}::int,
      ${a.responseHeaders === null ? null : JSON.stringify(a.responseHeaders)}::jsonb, ${a.responseBody}::text,
      ${a.durationMs}::int, ${a.errorKind}::text, ${a.errorMessage}::text
    from updated
    returning number`);
  const [row] = rowsOf<{ number: number }>(result);
  return row ? Number(row.number) : null;
}

export async function markSyncFailed(db: Db, syncId: number, error: string): Promise<void> {
  await db
    .update(integrationSyncs)
    .set({
      status: "failed",
      lastError: sql`coalesce(${integrationSyncs.lastError}, ${error})`,
      completedAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(integrationSyncs.id, syncId), eq(integrationSyncs.status, "pending")));
}

/** Puts a settled sync back to pending for a manual resend; its webhook-id stays the same. */
export async function reopenSync(db: Db, syncId: number): Promise<boolean> {
  const rows = await db
    .update(integrationSyncs)
    .set({ status: "pending", completedAt: null, updatedAt: sql`now()` })
    .where(
      and(eq(integrationSyncs.id, syncId), inArray(integrationSyncs.status, ["failed", "synced", "skipped"])),
    )
    .returning({ id: integrationSyncs.id });
  return rows.length > 0;
}

export async function pauseIntegration(db: Db, integrationId: number, reason: string): Promise<void> {
  await db
    .update(integrations)
    .set({ active: false, pausedReason: reason, pausedAt: sql`now()`, updatedAt: sql`now()` })
    .where(eq(integrations.id, integrationId));
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
export async function listFailedSyncIdsSince(db: Db, integrationId: number, since: Date): Promise<number[]> {
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
                and older.content_type = ${integrationSyncs.contentType}
                and older.object_id = ${integrationSyncs.objectId}
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

/** Deletes synced syncs (their attempts cascade) older than the retention, in batches. */
export async function pruneSyncedSyncs(db: Db, olderThanDays: number, batchSize = 5_000): Promise<number> {
  let total = 0;
  for (;;) {
    const result = await db.execute<{ id: number }>(sql`
      delete from ${integrationSyncs} where id in (
        select id from ${integrationSyncs}
        where status = 'synced' and created_at < now() - make_interval(days => ${olderThanDays})
        limit ${batchSize}
      ) returning id`);
    const deleted = rowsOf(result).length;
    total += deleted;
    if (deleted < batchSize) return total;
  }
}

export async function listUndispatchedChangeEvents(
  db: Db,
  olderThan: { seconds: number },
  limit = 500,
): Promise<ChangeEventWithReference[]> {
  const rows = await db
    .select({ event: changeEvents, reference: workItems.reference })
    .from(changeEvents)
    .innerJoin(workItems, eq(workItems.id, changeEvents.workItemId))
    .where(
      and(
        sql`${changeEvents.dispatchedAt} is null`,
        sql`${changeEvents.createdAt} < now() - make_interval(secs => ${olderThan.seconds})`,
      ),
    )
    .orderBy(asc(changeEvents.createdAt), asc(changeEvents.revision))
    .limit(limit);
  return rows.map((r) => ({ ...r.event, reference: r.reference }));
}

export async function markChangeEventsDispatched(db: Db, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.update(changeEvents).set({ dispatchedAt: sql`now()` }).where(inArray(changeEvents.id, ids));
}
