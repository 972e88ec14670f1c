import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { integrationSyncs } from "@/db/schema";
import { env } from "@/lib/env";

/**
 * A lease keeps two runs from posting one sync at once: the fan-out's first try, a release and a
 * recovery can reach the same sync from different runs (and functions), which no per-function
 * concurrency key covers. The holder is the Inngest run id, so the holder's own retried step may take
 * it again (a crash mid-POST does not strand the sync). Recording the attempt gives it back.
 */

/** How long a lease outlives the webhook timeout: the database writes around the POST. */
const LEASE_MARGIN_MS = 30_000;

/** The lease a holder takes (or a fan-out gives its new rows) for one try. */
export function leaseMs(): number {
  return env().WEBHOOK_TIMEOUT_MS + LEASE_MARGIN_MS;
}

/**
 * Takes the lease on a pending sync for one try: true when `holder` holds it now (it was free, had
 * expired, or was already this holder's: a retried step of the same run). False when the sync is not
 * pending or another run is posting it right now.
 */
export async function takeLease(db: Db, syncId: number, holder: string): Promise<boolean> {
  const rows = await db
    .update(integrationSyncs)
    .set({ leaseHolder: holder, leaseExpiresAt: sql`now() + ${leaseMs()} * interval '1 millisecond'` })
    .where(
      and(
        eq(integrationSyncs.id, syncId),
        eq(integrationSyncs.status, "pending"),
        sql`(${integrationSyncs.leaseExpiresAt} is null or ${integrationSyncs.leaseExpiresAt} < now() or ${integrationSyncs.leaseHolder} = ${holder})`,
      ),
    )
    .returning({ id: integrationSyncs.id });
  return rows.length > 0;
}

/** Gives the lease back without a try (the sync waits behind an older one, or its integration is paused). */
export function releaseLease(db: Db, syncId: number, holder: string): Promise<void> {
  return releaseLeases(db, [syncId], holder);
}

/** releaseLease for many syncs of one holder in one statement. */
export async function releaseLeases(db: Db, syncIds: number[], holder: string): Promise<void> {
  if (syncIds.length === 0) return;
  await db
    .update(integrationSyncs)
    .set({ leaseHolder: null, leaseExpiresAt: null })
    .where(and(inArray(integrationSyncs.id, syncIds), eq(integrationSyncs.leaseHolder, holder)));
}
