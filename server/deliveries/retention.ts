import "server-only";
import { sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";
import { integrationSyncs, syncAttempts } from "@/db/schema";

export type PruneResult = {
  /** Synced update syncs deleted, their attempts with them. */
  deleted: number;
  /** Synced creation syncs kept as the ledger, their payload and attempts purged. */
  ledgered: number;
};

const isCreation = sql`${integrationSyncs.eventType} in ('workitem_created', 'task_created')`;

/**
 * The nightly prune of synced syncs older than the retention, in batches. Update syncs go (their
 * attempts cascade). Creation syncs stay as the ledger of "delivered once, forever" (integration,
 * subject, event type, webhook-id, completed_at): the partial unique index needs the row, or a
 * creation event re-sent or re-fanned later would be delivered again. Their payload and attempts are
 * purged and `pruned_at` is set. Failed and pending syncs are never touched. Every statement checks
 * the status again on the row it changes, so a sync a manager reopens meanwhile is left alone.
 */
export async function pruneSyncedSyncs(
  db: Db,
  olderThanDays: number,
  batchSize = 5_000,
): Promise<PruneResult> {
  const old = sql`${integrationSyncs.status} = 'synced'
    and ${integrationSyncs.createdAt} < now() - make_interval(days => ${olderThanDays})`;
  const result: PruneResult = { deleted: 0, ledgered: 0 };
  for (;;) {
    const rows = rowsOf(
      await db.execute<{ id: number }>(sql`
        delete from ${integrationSyncs} where id in (
          select id from ${integrationSyncs} where ${old} and not ${isCreation} limit ${batchSize}
        ) and ${old}
        returning id`),
    );
    result.deleted += rows.length;
    if (rows.length < batchSize) break;
  }
  for (;;) {
    const unpruned = sql`${old} and ${isCreation} and ${integrationSyncs.prunedAt} is null`;
    const rows = rowsOf(
      await db.execute<{ id: number }>(sql`
        with pruned as (
          update ${integrationSyncs} set payload = '{}'::jsonb, pruned_at = now()
          where id in (select id from ${integrationSyncs} where ${unpruned} limit ${batchSize}) and ${unpruned}
          returning id
        ), purged as (
          delete from ${syncAttempts} where sync_id in (select id from pruned)
        )
        select id from pruned`),
    );
    result.ledgered += rows.length;
    if (rows.length < batchSize) break;
  }
  return result;
}
