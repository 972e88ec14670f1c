import "server-only";
import { sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";
import { changeEvents, type IntegrationSync, integrationSyncs, integrations } from "@/db/schema";
import { deliveryRequested } from "@/inngest/events";
import { createBatcher } from "@/lib/batcher";

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

type SyncPosition = Pick<IntegrationSync, "integrationId" | "subjectType" | "subjectId" | "revision">;

/** The positions as rows `q` (k = index) from one jsonb parameter: one query text, whatever the count. */
function positions(syncs: SyncPosition[]) {
  const rows = syncs.map((s, k) => ({
    k,
    iid: s.integrationId,
    st: s.subjectType,
    sid: s.subjectId,
    rev: s.revision,
  }));
  return sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as q(k int, iid int, st subject_type, sid int, rev int)`;
}

/**
 * What keeps each sync from going out now, or null when it may go: its integration is paused, or an
 * older delivery to the same integration for the same object is still to come (deliveries go out in
 * revision order; fan-outs may finish out of order). One statement for every sync asked in the same
 * turn (createBatcher): the fan-out's first tries ask together. The last statement before the POST, so
 * the pause is checked at the moment of sending. Its change events are the object's last hour (two plain
 * bounds, not `greatest()`, so change_events_subject_created_idx bounds the scan whatever the history).
 */
const blockers = createBatcher(async (db: Db, syncs: SyncPosition[]): Promise<(Blocker | null)[]> => {
  const result = await db.execute(sql`
    select q.k,
      (select case when not active then coalesce(paused_reason, 'paused') end
        from ${integrations} where id = q.iid) as paused,
      older.id as older_sync,
      case when older.id is null then (
        select ce.id from ${changeEvents} ce
        join ${integrations} i on i.id = q.iid
        where ce.subject_type = q.st and ce.subject_id = q.sid and ce.revision < q.rev
          and ce.created_at >= now() - interval '1 hour' and ce.created_at >= i.created_at
          and ${awaitsFanOut}
        limit 1
      ) end as unfanned
    from ${positions(syncs)}
    left join lateral (
      select s.id from ${integrationSyncs} s
      where s.integration_id = q.iid and s.subject_type = q.st and s.subject_id = q.sid
        and s.revision < q.rev and s.status = 'pending'
      order by s.revision, s.id
      limit 1
    ) older on true`);
  const byK = new Map(
    rowsOf<{ k: number; paused: string | null; older_sync: number | string | null; unfanned: string | null }>(
      result,
    ).map((r) => [Number(r.k), r]),
  );
  return syncs.map((_, k): Blocker | null => {
    const row = byK.get(k);
    if (row?.paused != null) return { kind: "paused", reason: row.paused };
    if (row?.older_sync != null)
      return { kind: "older", syncId: Number(row.older_sync), changeEventId: null };
    if (row?.unfanned != null) return { kind: "older", syncId: null, changeEventId: row.unfanned };
    return null;
  });
});

export function findBlocker(db: Db, sync: SyncPosition): Promise<Blocker | null> {
  return blockers(db, sync);
}

/**
 * The oldest pending syncs (all of the lowest revision) of the same integration and object after each
 * position: one statement for every caller in the same turn.
 */
const nextPending = createBatcher(
  async (db: Db, syncs: SyncPosition[]): Promise<{ id: number; revision: number }[][]> => {
    const result = await db.execute(sql`
    select q.k, n.id, n.revision
    from ${positions(syncs)}
    cross join lateral (
      select s.id, s.revision from ${integrationSyncs} s
      where s.integration_id = q.iid and s.subject_type = q.st and s.subject_id = q.sid
        and s.revision > q.rev and s.status = 'pending'
      order by s.revision, s.id
      limit 20
    ) n
    order by q.k, n.revision, n.id`);
    const next: { id: number; revision: number }[][] = syncs.map(() => []);
    for (const r of rowsOf<{ k: number; id: number | string; revision: number }>(result)) {
      next[Number(r.k)]?.push({ id: Number(r.id), revision: Number(r.revision) });
    }
    return next.map((rows) => rows.filter((r) => r.revision === rows[0]?.revision));
  },
);

/** The next pending syncs (one revision: a save's update and status change) of the position's line. */
export function nextPendingSyncs(
  db: Db,
  position: SyncPosition,
): Promise<{ id: number; revision: number }[]> {
  return nextPending(db, position);
}

export type DeliveryRequest = ReturnType<typeof deliveryRequested.create>;

/** The request that lets `syncId` go now that `settledId` is settled; the id names both (deduped). */
export function releaseRequest(syncId: number, settledId: number): DeliveryRequest {
  return deliveryRequested.create(
    { syncId, trigger: "automatic" },
    { id: `sync-${syncId}-after-${settledId}` },
  );
}

/**
 * The requests that let the next pending delivery of the same integration and object go, now that
 * `settled` is settled. The event id names both, so a repeated release is deduped by the engine.
 */
export async function releaseRequests(
  db: Db,
  settled: Pick<IntegrationSync, "id" | "integrationId" | "subjectType" | "subjectId" | "revision">,
): Promise<DeliveryRequest[]> {
  const next = await nextPending(db, settled);
  return next.map((n) => releaseRequest(n.id, settled.id));
}
