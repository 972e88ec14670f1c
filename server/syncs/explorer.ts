import "server-only";
import { and, asc, desc, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import {
  type ChangeEventType,
  integrationSyncs,
  integrations,
  type SubjectType,
  type SyncStatus,
  tasks,
  workItems,
} from "@/db/schema";
import { DEFAULT_TIME_ZONE, dayRangeInZone } from "@/lib/time";
import { redactUrlsIn } from "@/server/deliveries/redact";
import type { ExplorerParams, ExplorerSortKey } from "./explorer-params";
import { DEFAULT_EXPLORER_PARAMS, parseObjectFilter } from "./explorer-params";

/** Counting stops here: past it the explorer says "10,000+" instead of reading every matching row. */
const EXPLORER_COUNT_CAP = 10_000;

export type ExplorerRow = {
  id: number;
  integrationId: number;
  integrationName: string;
  workItemId: number;
  reference: string;
  subjectType: SubjectType;
  subjectId: number;
  eventType: ChangeEventType;
  revision: number;
  status: SyncStatus;
  attemptCount: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastDurationMs: number | null;
  createdAt: string;
  updatedAt: string;
};

export type ExplorerPage<T> = { rows: T[]; total: number; totalCapped: boolean };

type Filters = Pick<ExplorerParams, "object" | "integrationId" | "eventType" | "status" | "from" | "to">;

/**
 * The WHERE clause for the explorer's filters, or null when the filters can match nothing (an unknown
 * reference). Each filter lands on an indexed column so the default order (created_at desc) can be
 * read from `integration_syncs_work_item_created_idx`, `…_integration_created_idx`,
 * `…_status_created_idx` or `…_created_idx`.
 */
export async function explorerConditions(
  db: Db,
  filters: Filters,
  zone: string = DEFAULT_TIME_ZONE,
): Promise<SQL[] | null> {
  const where: SQL[] = [];
  const object = parseObjectFilter(filters.object);
  if (object?.kind === "invalid") return null;
  if (object?.kind === "reference") {
    const [item] = await db
      .select({ id: workItems.id })
      .from(workItems)
      .where(eq(workItems.reference, object.reference));
    if (!item) return null;
    where.push(eq(integrationSyncs.workItemId, item.id));
  } else if (object?.kind === "object") {
    let workItemId = object.subjectId;
    if (object.subjectType === "task") {
      const [task] = await db
        .select({ workItemId: tasks.workItemId })
        .from(tasks)
        .where(eq(tasks.id, object.subjectId));
      if (!task) return null;
      workItemId = task.workItemId;
    }
    where.push(
      eq(integrationSyncs.workItemId, workItemId),
      eq(integrationSyncs.subjectType, object.subjectType),
      eq(integrationSyncs.subjectId, object.subjectId),
    );
  }
  if (filters.integrationId) where.push(eq(integrationSyncs.integrationId, filters.integrationId));
  if (filters.eventType) where.push(eq(integrationSyncs.eventType, filters.eventType));
  if (filters.status.length === 1) where.push(eq(integrationSyncs.status, filters.status[0]));
  else if (filters.status.length > 1) where.push(inArray(integrationSyncs.status, filters.status));
  // Days as the user reads them: midnight in their zone, not the database's.
  const { start, end } = dayRangeInZone(filters.from, filters.to, zone);
  if (start) where.push(sql`${integrationSyncs.createdAt} >= ${start.toISOString()}::timestamptz`);
  if (end) where.push(sql`${integrationSyncs.createdAt} < ${end.toISOString()}::timestamptz`);
  return where;
}

const SORTS: Record<ExplorerSortKey, SQL> = {
  created: sql`${integrationSyncs.createdAt}`,
  status: sql`${integrationSyncs.status}`,
  event: sql`${integrationSyncs.eventType}`,
  attempts: sql`${integrationSyncs.attemptCount}`,
  latency: sql`${integrationSyncs.lastDurationMs}`,
};

/** One page of syncs, filtered and sorted in the database, with a (capped) total. */
export async function listSyncs(
  db: Db,
  params: Partial<ExplorerParams> = {},
  /** The zone the date filters' days are read in. */
  zone: string = DEFAULT_TIME_ZONE,
): Promise<ExplorerPage<ExplorerRow>> {
  const p = { ...DEFAULT_EXPLORER_PARAMS, ...params };
  const where = await explorerConditions(db, p, zone);
  if (!where) return { rows: [], total: 0, totalCapped: false };
  const condition = where.length ? and(...where) : undefined;
  const order = p.dir === "asc" ? asc : desc;
  const nulls = p.sort === "latency" ? sql.raw(" nulls last") : sql``;
  const pageSize = Math.max(1, Math.min(p.pageSize, 100));
  const page = Math.max(1, p.page);

  // The created_at indexes are `desc nulls last`; saying so lets PostgreSQL read them in order.
  const created = sql`${integrationSyncs.createdAt} ${sql.raw(p.dir === "asc" ? "asc nulls first" : "desc nulls last")}`;
  const orderBy =
    p.sort === "created"
      ? [created, order(integrationSyncs.id)]
      : [sql`${SORTS[p.sort]} ${sql.raw(p.dir)}${nulls}`, created, order(integrationSyncs.id)];

  const [rows, total] = await Promise.all([
    db
      .select({
        id: integrationSyncs.id,
        integrationId: integrationSyncs.integrationId,
        integrationName: integrations.name,
        workItemId: integrationSyncs.workItemId,
        reference: workItems.reference,
        subjectType: integrationSyncs.subjectType,
        subjectId: integrationSyncs.subjectId,
        eventType: integrationSyncs.eventType,
        revision: integrationSyncs.revision,
        status: integrationSyncs.status,
        attemptCount: integrationSyncs.attemptCount,
        lastStatusCode: integrationSyncs.lastStatusCode,
        lastError: integrationSyncs.lastError,
        lastDurationMs: integrationSyncs.lastDurationMs,
        createdAt: integrationSyncs.createdAt,
        updatedAt: integrationSyncs.updatedAt,
      })
      .from(integrationSyncs)
      .innerJoin(integrations, eq(integrations.id, integrationSyncs.integrationId))
      .innerJoin(workItems, eq(workItems.id, integrationSyncs.workItemId))
      .where(condition)
      .orderBy(...orderBy)
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    countCapped(db, condition),
  ]);
  return {
    rows: rows.map((r) => ({
      ...r,
      // Managers only (the page checks): URLs in errors (a redirect's Location) with query values redacted.
      lastError: redactUrlsIn(r.lastError, "redact"),
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    })),
    ...total,
  };
}

/**
 * Counts matching syncs up to the cap. The inner ORDER BY follows the index order so PostgreSQL
 * reads the matching index range instead of the whole table.
 */
async function countCapped(
  db: Db,
  condition: SQL | undefined,
): Promise<{ total: number; totalCapped: boolean }> {
  const inner = db
    .select({ id: integrationSyncs.id })
    .from(integrationSyncs)
    .where(condition)
    .orderBy(sql`${integrationSyncs.createdAt} desc nulls last`)
    .limit(EXPLORER_COUNT_CAP + 1)
    .as("matching");
  const [{ count }] = await db.select({ count: sql<number>`count(*)::int` }).from(inner);
  return count > EXPLORER_COUNT_CAP
    ? { total: EXPLORER_COUNT_CAP, totalCapped: true }
    : { total: count, totalCapped: false };
}

export type ObjectCountRow = {
  workItemId: number;
  reference: string;
  title: string;
  total: number;
  synced: number;
  failed: number;
  pending: number;
  lastSyncAt: string;
};

/** Sync counts per work item (its own and its tasks' syncs), most syncs first; same filters as the list. */
export async function listSyncCountsByObject(
  db: Db,
  params: Partial<ExplorerParams> = {},
  zone: string = DEFAULT_TIME_ZONE,
): Promise<ExplorerPage<ObjectCountRow>> {
  const p = { ...DEFAULT_EXPLORER_PARAMS, ...params };
  const where = await explorerConditions(db, p, zone);
  if (!where) return { rows: [], total: 0, totalCapped: false };
  const condition = where.length ? and(...where) : undefined;
  const pageSize = Math.max(1, Math.min(p.pageSize, 100));
  const page = Math.max(1, p.page);

  const counts = db
    .select({
      workItemId: integrationSyncs.workItemId,
      total: sql<number>`count(*)::int`.as("total"),
      synced: sql<number>`(count(*) filter (where ${integrationSyncs.status} = 'synced'))::int`.as("synced"),
      failed: sql<number>`(count(*) filter (where ${integrationSyncs.status} = 'failed'))::int`.as("failed"),
      pending: sql<number>`(count(*) filter (where ${integrationSyncs.status} = 'pending'))::int`.as(
        "pending",
      ),
      lastSyncAt: sql<string>`max(${integrationSyncs.createdAt})`.as("last_sync_at"),
    })
    .from(integrationSyncs)
    .where(condition)
    .groupBy(integrationSyncs.workItemId)
    .as("counts");

  const desc_ = p.dir === "asc" ? asc : desc;
  const [rows, [{ total }]] = await Promise.all([
    db
      .select({
        workItemId: counts.workItemId,
        reference: workItems.reference,
        title: workItems.title,
        total: counts.total,
        synced: counts.synced,
        failed: counts.failed,
        pending: counts.pending,
        lastSyncAt: sql<string>`${counts.lastSyncAt}`.mapWith(integrationSyncs.createdAt),
      })
      .from(counts)
      .innerJoin(workItems, eq(workItems.id, counts.workItemId))
      .orderBy(desc_(counts.total), desc(counts.workItemId))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db
      .select({ total: sql<number>`count(distinct ${integrationSyncs.workItemId})::int` })
      .from(integrationSyncs)
      .where(condition),
  ]);
  return {
    rows: rows.map((r) => ({
      ...r,
      lastSyncAt: (r.lastSyncAt as unknown as Date).toISOString(),
    })),
    total,
    totalCapped: false,
  };
}

/** Integrations for the explorer's filter (id and name only). */
export async function listIntegrationOptions(db: Db): Promise<{ id: number; name: string }[]> {
  return db
    .select({ id: integrations.id, name: integrations.name })
    .from(integrations)
    .orderBy(asc(integrations.name));
}
