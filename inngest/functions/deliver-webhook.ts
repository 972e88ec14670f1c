import { RetryAfterError } from "inngest";
import { getDb } from "@/db/client";
import { logger } from "@/lib/logger";
import { attemptDelivery } from "@/server/deliveries/attempt";
import { releaseRequests } from "@/server/deliveries/deliver-now";
import { getDeliveryContext, markSyncFailed } from "@/server/deliveries/syncs";
import { inngest } from "../client";
import { deliveryRequested } from "../events";

/**
 * 20 retries on Inngest's backoff (15 s … 2 h) span a little over 24 h, so a receiver that is down
 * for a day still gets every delivery.
 */
export const DELIVERY_RETRIES = 20;

/** Lets the next delivery of the same integration and object go once this one is settled. */
async function releaseNext(syncId: number): Promise<number> {
  const db = getDb();
  const ctx = await getDeliveryContext(db, syncId);
  if (!ctx) return 0;
  const requests = await releaseRequests(db, ctx.sync);
  if (requests.length > 0) await inngest.send(requests);
  return requests.length;
}

export const deliverWebhookFunction = inngest.createFunction(
  {
    id: "deliver-webhook",
    triggers: [deliveryRequested],
    retries: DELIVERY_RETRIES,
    // Runs for one sync (a recovery re-request racing a live run) queue here rather than meet at the
    // lease (attemptDelivery), which is what keeps any two tries of a sync apart.
    concurrency: { key: "event.data.syncId", limit: 1 },
    onFailure: async ({ event, error, step }) => {
      const { syncId } = event.data.event.data;
      await step.run("mark-failed", async () => {
        await markSyncFailed(getDb(), syncId, error.message);
        logger.error({ syncId, err: error.message }, `Delivery of sync ${syncId} failed for good`);
      });
      await step.run("release-next", () => releaseNext(syncId));
    },
  },
  async ({ event, step, runId }) => {
    const { syncId, trigger, notBefore } = event.data;
    // Always the same steps on every replay (a time in the past wakes at once).
    if (notBefore) await step.sleepUntil("honour-retry-after", notBefore);
    // One step, so one report to the engine per try. Releasing inside it is safe: if the release
    // fails, the retried step finds the sync settled (no second POST) and releases again. The
    // "already-settled" case also covers a crash between the POST and its report.
    return step.run("post-webhook", async () => {
      const result = await attemptDelivery(getDb(), syncId, trigger, runId);
      if (result.outcome === "synced" || result.outcome === "already-settled") await releaseNext(syncId);
      if (result.outcome === "in-flight") {
        // Another run holds the lease: look again when it has run out (by then that run has settled
        // the sync, or died and left it to us).
        throw new RetryAfterError(
          `Sync ${syncId} is being delivered by another run`,
          result.until ? new Date(result.until) : "5s",
        );
      }
      return result;
    });
  },
);
