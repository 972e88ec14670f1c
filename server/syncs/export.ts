import "server-only";
import { and, eq, type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { integrationSyncs, integrations, workItems } from "@/db/schema";
import { CSV_BOM, csvRow } from "@/lib/csv";
import { DEFAULT_TIME_ZONE } from "@/lib/time";
import { redactUrlsIn } from "@/server/deliveries/redact";
import { explorerConditions } from "./explorer";
import type { ExplorerParams, ExplorerSortKey } from "./explorer-params";
import { DEFAULT_EXPLORER_PARAMS } from "./explorer-params";

/** Rows read per round trip: one batch is all an export holds in memory. */
const EXPORT_BATCH = 500;

const COLUMNS = [
  "sync_id",
  "created_at_utc",
  "integration",
  "reference",
  "subject",
  "event_type",
  "revision",
  "status",
  "attempts",
  "last_http_status",
  "last_duration_ms",
  "last_error",
  "completed_at_utc",
  "webhook_id",
] as const;

/**
 * The explorer's sort keys as keyset expressions, each with the type its cursor value is read back as. A
 * null latency sorts last either way, as in the explorer: coalesced to a value past every real one.
 */
function sortKey(sort: ExplorerSortKey, dir: "asc" | "desc"): { expr: SQL; type: string } | null {
  switch (sort) {
    case "created":
      return null;
    case "status":
      return { expr: sql`${integrationSyncs.status}`, type: "sync_status" };
    case "event":
      return { expr: sql`${integrationSyncs.eventType}`, type: "change_event_type" };
    case "attempts":
      return { expr: sql`${integrationSyncs.attemptCount}`, type: "int" };
    case "latency":
      return {
        expr: sql`coalesce(${integrationSyncs.lastDurationMs}, ${sql.raw(dir === "asc" ? "2147483647" : "-1")})`,
        type: "int",
      };
  }
}

type Cursor = { key: string | null; created: string; id: number };

type ExportRow = {
  id: number;
  createdAt: string;
  integration: string;
  reference: string;
  subjectType: string;
  subjectId: number;
  eventType: string;
  revision: number;
  status: string;
  attemptCount: number;
  lastStatusCode: number | null;
  lastDurationMs: number | null;
  lastError: string | null;
  completedAt: string | null;
  webhookId: string;
  key: string | null;
};

/**
 * Every sync matching the explorer's filters, in the explorer's order (sort, then created, then id, one
 * direction), read in keyset batches: the 10th batch costs what the first does, and rows written meanwhile
 * can neither repeat nor shift a row out of the export. Timestamps are ISO 8601 in UTC; errors carry URLs
 * with query values redacted, as on the page.
 */
export async function* exportSyncsCsv(
  db: Db,
  params: Partial<ExplorerParams> = {},
  batchSize = EXPORT_BATCH,
  /** The zone the date filters' days are read in (the explorer's); the times written stay UTC. */
  zone: string = DEFAULT_TIME_ZONE,
): AsyncGenerator<string> {
  const p = { ...DEFAULT_EXPLORER_PARAMS, ...params };
  yield CSV_BOM + csvRow(COLUMNS);
  const where = await explorerConditions(db, p, zone);
  if (!where) return;
  const key = sortKey(p.sort, p.dir);
  const dir = sql.raw(p.dir);
  const cmp = sql.raw(p.dir === "asc" ? ">" : "<");
  let cursor: Cursor | null = null;
  for (;;) {
    const after: SQL[] = cursor
      ? [
          key
            ? sql`(${key.expr}, ${integrationSyncs.createdAt}, ${integrationSyncs.id}) ${cmp} (${cursor.key}::${sql.raw(key.type)}, ${cursor.created}::timestamptz, ${cursor.id}::bigint)`
            : sql`(${integrationSyncs.createdAt}, ${integrationSyncs.id}) ${cmp} (${cursor.created}::timestamptz, ${cursor.id}::bigint)`,
        ]
      : [];
    const rows: ExportRow[] = await db
      .select({
        id: integrationSyncs.id,
        createdAt: sql<string>`${integrationSyncs.createdAt}::text`,
        integration: integrations.name,
        reference: workItems.reference,
        subjectType: integrationSyncs.subjectType,
        subjectId: integrationSyncs.subjectId,
        eventType: integrationSyncs.eventType,
        revision: integrationSyncs.revision,
        status: integrationSyncs.status,
        attemptCount: integrationSyncs.attemptCount,
        lastStatusCode: integrationSyncs.lastStatusCode,
        lastDurationMs: integrationSyncs.lastDurationMs,
        lastError: integrationSyncs.lastError,
        completedAt: sql<string | null>`${integrationSyncs.completedAt}::text`,
        webhookId: integrationSyncs.webhookId,
        key: key ? sql<string>`(${key.expr})::text` : sql<null>`null`,
      })
      .from(integrationSyncs)
      .innerJoin(integrations, eq(integrations.id, integrationSyncs.integrationId))
      .innerJoin(workItems, eq(workItems.id, integrationSyncs.workItemId))
      .where(and(...where, ...after))
      .orderBy(
        ...(key ? [sql`${key.expr} ${dir}`] : []),
        // As the explorer orders it, so PostgreSQL reads the `desc nulls last` created_at indexes in order.
        sql`${integrationSyncs.createdAt} ${sql.raw(p.dir === "asc" ? "asc nulls first" : "desc nulls last")}`,
        sql`${integrationSyncs.id} ${dir}`,
      )
      .limit(batchSize);
    if (rows.length === 0) return;
    let chunk = "";
    for (const r of rows) {
      chunk += csvRow([
        r.id,
        isoUtc(r.createdAt),
        r.integration,
        r.reference,
        `${r.subjectType}:${r.subjectId}`,
        r.eventType,
        r.revision,
        r.status,
        r.attemptCount,
        r.lastStatusCode,
        r.lastDurationMs,
        redactUrlsIn(r.lastError, "redact"),
        r.completedAt === null ? null : isoUtc(r.completedAt),
        r.webhookId,
      ]);
    }
    yield chunk;
    if (rows.length < batchSize) return;
    const last = rows[rows.length - 1];
    cursor = { key: last.key, created: last.createdAt, id: Number(last.id) };
  }
}

/** PostgreSQL's `timestamptz::text` (`2026-12-02 10:42:00.123456+00`, microseconds kept) as ISO 8601 UTC. */
function isoUtc(text: string): string {
  return new Date(text.replace(" ", "T").replace(/([+-]\d{2})$/, "$1:00")).toISOString();
}
