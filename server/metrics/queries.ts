import "server-only";
import { sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";

export type DeliveryGauges = {
  integrations: {
    name: string;
    paused: boolean;
    pending: number;
    oldestPendingAgeSeconds: number;
    failedAttemptsInARow: number;
  }[];
  outbox: { backlog: number; oldestAgeSeconds: number };
};

/**
 * What a scrape reads from the database, in one round trip: pending syncs per integration (from
 * `integration_syncs_status_created_idx`), the integrations' own streak and pause flag, and the
 * outbox (from `change_events_undispatched_idx`). Its cost grows with the backlog, never the history.
 */
export async function readDeliveryGauges(db: Db): Promise<DeliveryGauges> {
  const result = await db.execute(sql`
    with pending as (
      select integration_id, count(*)::int as pending, min(created_at) as oldest
      from integration_syncs where status = 'pending' group by integration_id
    ), outbox as (
      select count(*)::int as backlog, min(created_at) as oldest from change_events where dispatched_at is null
    )
    select 'integration' as kind, i.name, not i.active as paused, coalesce(p.pending, 0) as pending,
      coalesce(extract(epoch from now() - p.oldest), 0)::float8 as age, i.failed_attempts_in_a_row as streak
    from integrations i left join pending p on p.integration_id = i.id
    union all
    select 'outbox', null, null, backlog, coalesce(extract(epoch from now() - oldest), 0)::float8, null
    from outbox`);
  type Row = {
    kind: string;
    name: string | null;
    paused: boolean | null;
    pending: number;
    age: number;
    streak: number | null;
  };
  const rows = rowsOf<Row>(result);
  const outbox = rows.find((r) => r.kind === "outbox");
  return {
    integrations: rows
      .filter((r) => r.kind === "integration")
      .map((r) => ({
        name: r.name ?? "",
        paused: Boolean(r.paused),
        pending: Number(r.pending),
        oldestPendingAgeSeconds: Math.max(0, Number(r.age)),
        failedAttemptsInARow: Number(r.streak ?? 0),
      })),
    outbox: {
      backlog: Number(outbox?.pending ?? 0),
      oldestAgeSeconds: Math.max(0, Number(outbox?.age ?? 0)),
    },
  };
}
