import { getDb } from "@/db/client";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { recoverLost } from "@/server/deliveries/recovery";
import { pruneSyncedSyncs } from "@/server/deliveries/retention";
import { inngest } from "../client";
import { recoveryRequested, retentionRequested } from "../events";

/** The safety net under the retries (server/deliveries/recovery.ts): every 5 minutes, or on request. */
export const recoverStuckSyncs = inngest.createFunction(
  {
    id: "recover-stuck-syncs",
    triggers: [{ cron: "*/5 * * * *" }, recoveryRequested],
    concurrency: { limit: 1 },
  },
  async ({ step, runId }) => {
    const { requests, ...found } = await step.run("fan-out-lost-and-find-stuck", () =>
      recoverLost(getDb(), runId),
    );
    if (requests.length > 0) await step.sendEvent("re-request", requests);
    return found;
  },
);

/**
 * Nightly (or on request): synced update syncs past the retention go; synced creation syncs stay as the
 * creation ledger with their payload and attempts purged (server/deliveries/retention.ts).
 */
export const pruneOldSyncs = inngest.createFunction(
  {
    id: "prune-old-syncs",
    triggers: [{ cron: "TZ=UTC 17 3 * * *" }, retentionRequested],
    // The prune is idempotent: retries that outlast an app restart or a database blip (the default 4 did not).
    retries: 10,
    concurrency: { limit: 1 },
  },
  async ({ step }) => {
    const days = env().SYNC_RETENTION_DAYS;
    const { deleted, ledgered } = await step.run("prune-synced", () => pruneSyncedSyncs(getDb(), days));
    logger.info(
      { deleted, ledgered, days },
      `Deleted ${deleted} synced update sync(s) and purged ${ledgered} creation sync(s) to the ledger, older than ${days} days`,
    );
    return { deleted, ledgered };
  },
);
