import "server-only";
import { and, asc, eq, gt, sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";
import { changeEvents, type IntegrationSync, integrationSyncs, integrations } from "@/db/schema";
import { deliveryRequested } from "@/inngest/events";

/**
 * Deliveries to one integration for one object go out in revision order, held in the database rather
 * than in Inngest concurrency: a sync that finds an older one still pending (or an older change event
 * whose fan-out has not made its sync yet) waits, and whatever settles the older one releases it.
 */

/**
 * SQL over aliases `ce` (a change event) and `i` (an integration): `i` subscribes to `ce` but has no
 * sync for it yet, and `ce` is not a creation whose object already has its creation sync at `i`.
 */
export const awaitsFanOut = sql`i.event_types @> jsonb_build_array(ce.event_type::text)
  and not exists (select 1 from ${integrationSyncs} s where s.change_event_id = ce.id and s.integration_id = i.id)
  and not (ce.event_type in ('workitem_created', 'task_created') and exists (
    select 1 from ${integrationSyncs} s where s.integration_id = i.id and s.subject_type = ce.subject_type
      and s.subject_id = ce.subject_id and s.event_type = ce.event_type
  ))`;

export type Blocker =
  /** The integration is paused (read now, not from the caller's copy: a 410 may have just paused it). */
  | { kind: "paused"; reason: string }
  /** An older pending sync, or an older change event whose fan-out has not created its sync yet. */
  | { kind: "older"; syncId: number | null; changeEventId: string | null };

/**
 * What keeps this sync from going out now, or null when it may go: its integration is paused, or an
 * older delivery to the same integration for the same object is still to come (deliveries go out in
 * revision order; fan-outs may finish out of order). The last statement before the POST, so the pause
 * is checked at the moment of sending.
 */
export async function findBlocker(
  db: Db,
  sync: Pick<IntegrationSync, "integrationId" | "subjectType" | "subjectId" | "revision">,
): Promise<Blocker | null> {
  // One round trip (this runs once per try); the second question is asked only when the first finds nothing.
  const result = await db.execute<{
    paused: string | null;
    older_sync: number | null;
    unfanned: string | null;
  }>(sql`
    with older as (
      select s.id from ${integrationSyncs} s
      where s.integration_id = ${sync.integrationId}::int and s.subject_type = ${sync.subjectType}::subject_type
        and s.subject_id = ${sync.subjectId}::int and s.revision < ${sync.revision}::int and s.status = 'pending'
      order by s.revision, s.id
      limit 1
    )
    select (select case when not active then coalesce(paused_reason, 'paused') end
        from ${integrations} where id = ${sync.integrationId}::int) as paused,
      (select id from older) as older_sync,
      case when not exists (select 1 from older) then (
        select ce.id from ${changeEvents} ce
        join ${integrations} i on i.id = ${sync.integrationId}::int
        where ce.subject_type = ${sync.subjectType}::subject_type and ce.subject_id = ${sync.subjectId}::int
          and ce.revision < ${sync.revision}::int
          and ce.created_at >= greatest(i.created_at, now() - interval '1 hour')
          and ${awaitsFanOut}
        limit 1
      ) end as unfanned`);
  const [row] = rowsOf<{
    paused: string | null;
    older_sync: number | string | null;
    unfanned: string | null;
  }>(result);
  if (row?.paused != null) return { kind: "paused", reason: row.paused };
  if (row?.older_sync != null) return { kind: "older", syncId: Number(row.older_sync), changeEventId: null };
  if (row?.unfanned != null) return { kind: "older", syncId: null, changeEventId: row.unfanned };
  return null;
}

/** The oldest pending syncs (all of the lowest revision) of the same integration and object after a revision. */
async function findNextPendingSyncs(
  db: Db,
  sync: Pick<IntegrationSync, "integrationId" | "subjectType" | "subjectId" | "revision">,
): Promise<number[]> {
  const rows = await db
    .select({ id: integrationSyncs.id, revision: integrationSyncs.revision })
    .from(integrationSyncs)
    .where(
      and(
        eq(integrationSyncs.integrationId, sync.integrationId),
        eq(integrationSyncs.subjectType, sync.subjectType),
        eq(integrationSyncs.subjectId, sync.subjectId),
        gt(integrationSyncs.revision, sync.revision),
        eq(integrationSyncs.status, "pending"),
      ),
    )
    .orderBy(asc(integrationSyncs.revision), asc(integrationSyncs.id))
    .limit(20);
  const lowest = rows[0]?.revision;
  return rows.filter((r) => r.revision === lowest).map((r) => r.id);
}

export type DeliveryRequest = ReturnType<typeof deliveryRequested.create>;

/**
 * The requests that let the next pending delivery of the same integration and object go, now that
 * `settled` is settled. The event id names both, so a repeated release is deduped by the engine.
 */
export async function releaseRequests(
  db: Db,
  settled: Pick<IntegrationSync, "id" | "integrationId" | "subjectType" | "subjectId" | "revision">,
): Promise<DeliveryRequest[]> {
  const next = await findNextPendingSyncs(db, settled);
  return next.map((id) =>
    deliveryRequested.create({ syncId: id, trigger: "automatic" }, { id: `sync-${id}-after-${settled.id}` }),
  );
}
