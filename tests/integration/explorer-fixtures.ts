import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type Integration, integrations, workItems } from "@/db/schema";

/**
 * Bulk syncs for explorer and dashboard tests, written with set-based SQL (10,000 rows in well under
 * a second). Rows of `spec` get `count` syncs each, spaced one minute apart going back from `startMinutesAgo`.
 */
export type SyncBatch = {
  workItemId: number;
  integrationId: number;
  count: number;
  status: "pending" | "synced" | "failed";
  eventType?:
    | "workitem_created"
    | "workitem_updated"
    | "workitem_status_changed"
    | "task_created"
    | "task_updated";
  subjectType?: "workitem" | "task";
  subjectId?: number;
  startMinutesAgo?: number;
  durationMs?: number;
  /** Also write one attempt per sync with this duration (for latency stats). */
  withAttempts?: boolean;
};

let batchNo = 0;

export async function insertSyncs(db: Db, batch: SyncBatch): Promise<void> {
  const n = ++batchNo;
  const eventType = batch.eventType ?? "workitem_updated";
  const subjectType = batch.subjectType ?? "workitem";
  const subjectId = batch.subjectId ?? batch.workItemId;
  const start = batch.startMinutesAgo ?? 0;
  const duration = batch.durationMs ?? 50;
  await db.execute(sql`
    insert into change_events (id, event_type, subject_type, subject_id, work_item_id, revision, changes, snapshot, created_at)
    select 'bulk-' || ${n}::int || '-' || g, ${eventType}::change_event_type, ${subjectType}::subject_type, ${subjectId}::int,
      ${batch.workItemId}::int, g, '{}'::jsonb, '{}'::jsonb, now() - make_interval(mins => ${start}::int + g)
    from generate_series(1, ${batch.count}::int) g`);
  await db.execute(sql`
    insert into integration_syncs (integration_id, subject_type, subject_id, work_item_id, change_event_id, event_type,
      revision, status, webhook_id, attempt_count, last_status_code, last_duration_ms, payload, created_at, updated_at, completed_at)
    select ${batch.integrationId}::int, ${subjectType}::subject_type, ${subjectId}::int, ${batch.workItemId}::int,
      'bulk-' || ${n}::int || '-' || g, ${eventType}::change_event_type, g, ${batch.status}::sync_status,
      'msg_bulk_' || ${n}::int || '_' || g,
      case when ${batch.status} = 'pending' then 0 else 1 end,
      case ${batch.status} when 'synced' then 200 when 'failed' then 500 else null end,
      case when ${batch.status} = 'pending' then null else ${duration}::int end,
      jsonb_build_object('n', g),
      now() - make_interval(mins => ${start}::int + g),
      now() - make_interval(mins => ${start}::int + g),
      case when ${batch.status} = 'pending' then null else now() - make_interval(mins => ${start}::int + g) end
    from generate_series(1, ${batch.count}::int) g`);
  if (batch.withAttempts) {
    await db.execute(sql`
      insert into sync_attempts (sync_id, number, trigger, request_url, request_headers, response_status, duration_ms, started_at)
      select s.id, 1, 'automatic', 'https://example.com', '{}'::jsonb, s.last_status_code, s.last_duration_ms, s.created_at
      from integration_syncs s where s.change_event_id like ${`bulk-${n}-%`}`);
  }
}

export async function insertWorkItems(db: Db, count: number): Promise<number[]> {
  const rows = await db
    .insert(workItems)
    .values(
      Array.from({ length: count }, (_, i) => ({ title: `Repair ${i + 1}`, customerName: "C", device: "D" })),
    )
    .returning({ id: workItems.id });
  return rows.map((r) => r.id);
}

export async function insertIntegrations(db: Db, names: string[]): Promise<Integration[]> {
  return db
    .insert(integrations)
    .values(
      names.map((name) => ({ name, url: `https://${name}.example/hook`, eventTypes: [], secret: "whsec_x" })),
    )
    .returning();
}
