import { getDb } from "@/db/client";
import { listStuckSyncs, pruneSyncedSyncs } from "@/db/queries/syncs";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { inngest } from "../client";
import { deliveryRequested } from "../events";

/**
 * A live delivery run records an attempt at least every ~2 h (the longest backoff step), so a pending
 * sync quiet for 3 h has lost its run (or waits behind one that has): ask for it again.
 */
export const STUCK_AFTER_MINUTES = 180;

export const recoverStuckSyncs = inngest.createFunction(
  { id: "recover-stuck-syncs", triggers: [{ cron: "*/15 * * * *" }], concurrency: { limit: 1 } },
  async ({ step }) => {
    const stuck = await step.run("find-stuck", () =>
      listStuckSyncs(getDb(), { minutes: STUCK_AFTER_MINUTES }),
    );
    if (stuck.length === 0) return { requested: 0 };
    logger.warn({ count: stuck.length }, `Re-requesting ${stuck.length} stuck pending sync(s)`);
    await step.sendEvent(
      "re-request",
      stuck.map((s) =>
        deliveryRequested.create(
          { syncId: s.id, trigger: "automatic" },
          { id: `sync-${s.id}-recover-${new Date(s.updatedAt).getTime()}` },
        ),
      ),
    );
    return { requested: stuck.length };
  },
);

export const pruneOldSyncs = inngest.createFunction(
  { id: "prune-old-syncs", triggers: [{ cron: "TZ=UTC 17 3 * * *" }], concurrency: { limit: 1 } },
  async ({ step }) => {
    const days = env().SYNC_RETENTION_DAYS;
    const deleted = await step.run("delete-synced", () => pruneSyncedSyncs(getDb(), days));
    logger.info({ deleted, days }, `Deleted ${deleted} synced sync(s) older than ${days} days`);
    return { deleted };
  },
);
