import { getDb } from "@/db/client";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { listStuckSyncs, listUnfannedChangeEvents, pruneSyncedSyncs } from "@/server/deliveries/syncs";
import { inngest } from "../client";
import { deliveryRequested, recoveryRequested } from "../events";
import { fanOut } from "./fan-out";

/**
 * A live delivery run records an attempt at least every ~2 h (the longest backoff step), so a pending
 * sync quiet for 3 h has lost its run (or waits behind one that has): ask for it again.
 */
export const STUCK_AFTER_MINUTES = 180;
/** A fan-out or delivery request starts within seconds; one silent for 10 minutes has given up. */
export const LOST_AFTER_MINUTES = 10;

/**
 * The safety net under the retries: change events whose fan-out gave up for good are fanned out
 * again, and pending syncs whose run was lost are requested again. Both are idempotent.
 */
export const recoverStuckSyncs = inngest.createFunction(
  {
    id: "recover-stuck-syncs",
    triggers: [{ cron: "*/5 * * * *" }, recoveryRequested],
    concurrency: { limit: 1 },
  },
  async ({ step, runId }) => {
    const unfanned = await step.run("fan-out-lost-change-events", async () => {
      const db = getDb();
      const ids = await listUnfannedChangeEvents(db, { minutes: LOST_AFTER_MINUTES });
      if (ids.length > 0)
        logger.warn({ count: ids.length }, `Fanning out ${ids.length} lost change event(s) again`);
      for (const id of ids) await fanOut(db, id, runId);
      return ids.length;
    });
    const stuck = await step.run("find-stuck", () =>
      listStuckSyncs(getDb(), { neverTriedMinutes: LOST_AFTER_MINUTES, quietMinutes: STUCK_AFTER_MINUTES }),
    );
    if (stuck.length > 0) {
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
    }
    return { fannedOut: unfanned, requested: stuck.length };
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
