import { getDb } from "@/db/client";
import { logger } from "@/lib/logger";
import { fanOut } from "@/server/deliveries/fan-out";
import { inngest } from "../client";
import { taskCreated, taskUpdated, workItemCreated, workItemStatusChanged, workItemUpdated } from "../events";
import { DELIVERY_RETRIES } from "./deliver-webhook";

/**
 * The fan-out function: one step makes the change event's syncs and their first tries (one engine round
 * trip per save); what cannot settle at once gets a deliver-webhook run of its own, requested through
 * step.sendEvent. Its retries span a day on Inngest's backoff like a delivery's; if they run out (the
 * database was away all that time), the failure handler fans out once more, and after that the
 * recovery cron finds the change event.
 */
export const fanOutChangeEvent = inngest.createFunction(
  {
    id: "fan-out-change-event",
    triggers: [workItemCreated, workItemUpdated, workItemStatusChanged, taskCreated, taskUpdated],
    retries: DELIVERY_RETRIES,
    onFailure: async ({ event, error, step, runId }) => {
      const { changeEventId } = event.data.event.data;
      logger.error(
        { changeEventId, err: error.message },
        `Fan-out of ${changeEventId} failed; trying once more`,
      );
      const { requests } = await step.run("fan-out-again", () => fanOut(getDb(), changeEventId, runId));
      if (requests.length > 0) await step.sendEvent("request-deliveries", requests);
    },
  },
  async ({ event, step, runId }) => {
    const { requests, ...result } = await step.run("create-and-deliver", () =>
      fanOut(getDb(), event.data.changeEventId, runId),
    );
    if (requests.length > 0) await step.sendEvent("request-deliveries", requests);
    return result;
  },
);
