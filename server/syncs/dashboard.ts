import "server-only";
import { and, asc, eq, gte, sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";
import {
  type ChangeEventType,
  integrationSyncs,
  integrations,
  type SubjectType,
  SYNC_STATUSES,
  type SyncStatus,
  syncAttempts,
  workItems,
} from "@/db/schema";
import { redactUrlsIn } from "@/server/deliveries/redact";

/** Everything here looks at syncs created in the last 24 hours unless it says otherwise. */
const LAST_24H = sql`now() - interval '24 hours'`;

export type HourBucket = { hour: string } & Record<SyncStatus, number>;

/**
 * Deliveries per hour by status over the last 24 hours (the current hour included), oldest first,
 * empty hours as zeros. Hours are cut by the database's clock and time zone.
 */
export async function countDeliveriesPerHour(db: Db): Promise<HourBucket[]> {
  const result = await db.execute(sql`
    with hours as (
      select generate_series(date_trunc('hour', now()) - interval '23 hours', date_trunc('hour', now()), interval '1 hour') as hour
    )
    select (extract(epoch from h.hour) * 1000)::float8 as hour_ms, s.status::text as status, count(s.id)::int as count
    from hours h
    left join ${integrationSyncs} s on s.created_at >= h.hour and s.created_at < h.hour + interval '1 hour'
    group by h.hour, s.status
    order by h.hour`);
  const rows = rowsOf<{ hour_ms: number | string; status: SyncStatus | null; count: number | string }>(
    result,
  );
  const buckets = new Map<number, HourBucket>();
  for (const row of rows) {
    const ms = Number(row.hour_ms);
    let bucket = buckets.get(ms);
    if (!bucket) {
      bucket = { hour: new Date(ms).toISOString(), pending: 0, synced: 0, failed: 0 };
      buckets.set(ms, bucket);
    }
    if (row.status) bucket[row.status] = Number(row.count);
  }
  return [...buckets.values()];
}

export type IntegrationStats = {
  integrationId: number;
  name: string;
  active: boolean;
  total: number;
  counts: Record<SyncStatus, number>;
  /** synced / (synced + failed); null when nothing settled. */
  successRate: number | null;
  /** 95th percentile of attempt durations (ms); null without attempts. */
  p95LatencyMs: number | null;
};

/** Per integration over 24 h: deliveries by status, success rate, p95 attempt latency (percentile_cont). */
export async function listIntegrationStats(db: Db): Promise<IntegrationStats[]> {
  const [all, counts, latency] = await Promise.all([
    db
      .select({ id: integrations.id, name: integrations.name, active: integrations.active })
      .from(integrations)
      .orderBy(asc(integrations.name)),
    db
      .select({
        integrationId: integrationSyncs.integrationId,
        status: integrationSyncs.status,
        count: sql<number>`count(*)::int`,
      })
      .from(integrationSyncs)
      .where(gte(integrationSyncs.createdAt, LAST_24H))
      .groupBy(integrationSyncs.integrationId, integrationSyncs.status),
    db
      .select({
        integrationId: integrationSyncs.integrationId,
        p95: sql<number>`percentile_cont(0.95) within group (order by ${syncAttempts.durationMs})`.mapWith(
          Number,
        ),
      })
      .from(syncAttempts)
      .innerJoin(integrationSyncs, eq(integrationSyncs.id, syncAttempts.syncId))
      .where(gte(integrationSyncs.createdAt, LAST_24H))
      .groupBy(integrationSyncs.integrationId),
  ]);
  const p95 = new Map(latency.map((l) => [l.integrationId, l.p95]));
  return all.map((i) => {
    const byStatus = Object.fromEntries(SYNC_STATUSES.map((s) => [s, 0])) as Record<SyncStatus, number>;
    for (const c of counts) if (c.integrationId === i.id) byStatus[c.status] = c.count;
    const settled = byStatus.synced + byStatus.failed;
    const latencyMs = p95.get(i.id);
    return {
      integrationId: i.id,
      name: i.name,
      active: i.active,
      total: SYNC_STATUSES.reduce((sum, s) => sum + byStatus[s], 0),
      counts: byStatus,
      successRate: settled ? byStatus.synced / settled : null,
      p95LatencyMs: latencyMs === undefined || latencyMs === null ? null : Math.round(latencyMs),
    };
  });
}

export type OldestPending = {
  syncId: number;
  createdAt: string;
  ageMs: number;
  workItemId: number;
  reference: string;
  integrationName: string;
  pendingCount: number;
};

/** The oldest delivery still pending (read from `integration_syncs_status_created_idx`), or null. */
export async function getOldestPending(db: Db): Promise<OldestPending | null> {
  const [row] = await db
    .select({
      syncId: integrationSyncs.id,
      createdAt: integrationSyncs.createdAt,
      ageMs: sql<number>`(extract(epoch from now() - ${integrationSyncs.createdAt}) * 1000)::float8`.mapWith(
        Number,
      ),
      workItemId: integrationSyncs.workItemId,
      reference: workItems.reference,
      integrationName: integrations.name,
    })
    .from(integrationSyncs)
    .innerJoin(integrations, eq(integrations.id, integrationSyncs.integrationId))
    .innerJoin(workItems, eq(workItems.id, integrationSyncs.workItemId))
    .where(eq(integrationSyncs.status, "pending"))
    .orderBy(sql`${integrationSyncs.createdAt} asc nulls first`)
    .limit(1);
  if (!row) return null;
  const [{ count }] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(integrationSyncs)
    .where(eq(integrationSyncs.status, "pending"));
  return {
    ...row,
    createdAt: row.createdAt.toISOString(),
    ageMs: Math.max(0, row.ageMs),
    pendingCount: count,
  };
}

export type RecentFailure = {
  syncId: number;
  workItemId: number;
  reference: string;
  subjectType: SubjectType;
  subjectId: number;
  eventType: ChangeEventType;
  integrationName: string;
  attemptCount: number;
  lastStatusCode: number | null;
  lastError: string | null;
  failedAt: string;
};

/** The most recently created failed deliveries. */
export async function listRecentFailures(db: Db, limit = 8): Promise<RecentFailure[]> {
  const rows = await db
    .select({
      syncId: integrationSyncs.id,
      workItemId: integrationSyncs.workItemId,
      reference: workItems.reference,
      subjectType: integrationSyncs.subjectType,
      subjectId: integrationSyncs.subjectId,
      eventType: integrationSyncs.eventType,
      integrationName: integrations.name,
      attemptCount: integrationSyncs.attemptCount,
      lastStatusCode: integrationSyncs.lastStatusCode,
      lastError: integrationSyncs.lastError,
      failedAt: sql<Date>`coalesce(${integrationSyncs.completedAt}, ${integrationSyncs.updatedAt})`.mapWith(
        integrationSyncs.updatedAt,
      ),
    })
    .from(integrationSyncs)
    .innerJoin(integrations, eq(integrations.id, integrationSyncs.integrationId))
    .innerJoin(workItems, eq(workItems.id, integrationSyncs.workItemId))
    .where(and(eq(integrationSyncs.status, "failed")))
    .orderBy(sql`${integrationSyncs.createdAt} desc nulls last`, sql`${integrationSyncs.id} desc`)
    .limit(limit);
  return rows.map((r) => ({
    ...r,
    lastError: redactUrlsIn(r.lastError, "redact"),
    failedAt: r.failedAt.toISOString(),
  }));
}
