import "server-only";
import { sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";
import { integrationSyncs } from "@/db/schema";

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
