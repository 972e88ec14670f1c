import { getDb } from "@/db/client";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import {
  deliverRecoveredInOrder,
  recoverLost,
  reopenFailedInChangeOrder,
} from "@/server/deliveries/recovery";
import { pruneSyncedSyncs } from "@/server/deliveries/retention";
import { clearExpiredPreviousSecrets } from "@/server/integrations/integrations";
import { undispatchedNoticeEvents } from "@/server/notifications/notices";
import { inngest } from "../client";
import { failedRecoveryRequested, recoveryRequested, retentionRequested } from "../events";

/**
 * The safety net under the retries (server/deliveries/recovery.ts), every 5 minutes or on request; it also
 * deletes previous signing secrets whose rotation grace period is over, and sends again the event of a
 * notice no notify run has received (the step that paused crashed before handing it back).
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
    const notices = await step.run("find-unsent-notices", () => undispatchedNoticeEvents(getDb()));
    if (notices.length > 0) await step.sendEvent("resend-notices", notices);
    return { ...found, expiredSecretsCleared, noticesResent: notices.length };
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

/** Syncs one step sends, one after the other: a step's report to the engine per this many POSTs. */
const RECOVERY_BATCH = 20;

/**
 * A manager's recovery of one integration's failed syncs: reopened in one step, then sent one at a
 * time in change-event order across the integration (not only per object). One run per integration at
 * a time, so two recoveries never interleave.
 */
export const recoverFailedSyncs = inngest.createFunction(
  {
    id: "recover-failed-syncs",
    triggers: [failedRecoveryRequested],
    retries: 10,
    concurrency: { key: "event.data.integrationId", limit: 1 },
  },
  async ({ event, step, runId }) => {
    const { integrationId, since, until } = event.data;
    const ids = await step.run("reopen-failed", () =>
      reopenFailedInChangeOrder(getDb(), { integrationId, since: new Date(since), until: new Date(until) }),
    );
    const totals = { reopened: ids.length, synced: 0, failed: 0, waiting: 0, handedOff: 0 };
    for (let i = 0; i < ids.length; i += RECOVERY_BATCH) {
      const batch = ids.slice(i, i + RECOVERY_BATCH);
      const later = new Set(ids.slice(i + RECOVERY_BATCH));
      const { requests, ...counts } = await step.run(`deliver-${i}`, () =>
        deliverRecoveredInOrder(getDb(), batch, later, runId),
      );
      if (requests.length > 0) await step.sendEvent(`hand-off-${i}`, requests);
      for (const key of ["synced", "failed", "waiting", "handedOff"] as const) totals[key] += counts[key];
    }
    return totals;
  },
);
