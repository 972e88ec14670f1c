import { getDb } from "@/db/client";
import { deliverRequested, failRequested } from "@/server/deliveries/runs";
import { inngest } from "../client";
import { deliveryRequested } from "../events";

/**
 * 20 retries on Inngest's backoff (15 s … 2 h) span a little over 24 h, so a receiver that is down
 * for a day still gets every delivery.
 */
export const DELIVERY_RETRIES = 20;

export const deliverWebhookFunction = inngest.createFunction(
  {
    id: "deliver-webhook",
    triggers: [deliveryRequested],
    retries: DELIVERY_RETRIES,
    // Runs for one sync (a recovery re-request racing a live run) queue here rather than meet at the
    // lease, which is what keeps any two tries of a sync apart.
    concurrency: { key: "event.data.syncId", limit: 1 },
    onFailure: async ({ event, error, step }) => {
      const { syncId } = event.data.event.data;
      const requests = await step.run("mark-failed", () => failRequested(getDb(), syncId, error.message));
      if (requests.length > 0) await step.sendEvent("release-next", requests);
    },
  },
  async ({ event, step, runId }) => {
    const { syncId, trigger, notBefore } = event.data;
    // A hand-off after a failed first try waits for the receiver's Retry-After or the first backoff
    // step (runs.ts deliverNow), so the second try never follows the first at once. The step id stays
    // "honour-retry-after" so runs already sleeping replay. Always the same steps on every replay (a time
    // in the past wakes at once).
    if (notBefore) await step.sleepUntil("honour-retry-after", notBefore);
    // One step per try, so one report to the engine per try.
    const { outcome, requests } = await step.run("post-webhook", () =>
      deliverRequested(getDb(), syncId, trigger, runId),
    );
    if (requests.length > 0) await step.sendEvent("release-next", requests);
    return outcome;
  },
);
