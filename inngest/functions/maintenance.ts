import { getDb } from "@/db/client";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { recoverLost } from "@/server/deliveries/recovery";
import { pruneSyncedSyncs } from "@/server/deliveries/retention";
import { clearExpiredPreviousSecrets } from "@/server/integrations/integrations";
import { inngest } from "../client";
import { recoveryRequested } from "../events";

/**
 * The safety net under the retries (server/deliveries/recovery.ts), every 5 minutes or on request; it also
 * deletes previous signing secrets whose rotation grace period is over.
 */
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
    const expiredSecretsCleared = await step.run("clear-expired-previous-secrets", () =>
      clearExpiredPreviousSecrets(getDb()),
    );
    return { ...found, expiredSecretsCleared };
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
