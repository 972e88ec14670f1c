import { getDb } from "@/db/client";
import { logger } from "@/lib/logger";
import { fanOutMany } from "@/server/deliveries/fan-out";
import { inngest } from "../client";
import {
  changesCommitted,
  taskCreated,
  taskUpdated,
  workItemCreated,
  workItemStatusChanged,
  workItemUpdated,
} from "../events";
import { DELIVERY_RETRIES } from "./deliver-webhook";

/** The change events an event names: a batch (`repairs/changes.committed`) or one of the per-type events. */
function changeEventIds(event: { data?: unknown }): string[] {
  const data = event.data as { changes?: { changeEventId: string }[]; changeEventId?: string };
  return data.changes ? data.changes.map((c) => c.changeEventId) : [data.changeEventId as string];
}

/**
 * The fan-out function: one step makes the change events' syncs and their first tries (one engine round
 * trip for every save a process committed together); what cannot settle at once gets a deliver-webhook run of its own, requested through
 * step.sendEvent. Its retries span a day on Inngest's backoff like a delivery's; if they run out (the
 * database was away all that time), the failure handler fans out once more, and after that the
 * recovery cron finds the change event.
 */
export const fanOutChangeEvent = inngest.createFunction(
  {
    id: "fan-out-change-event",
    triggers: [
      changesCommitted,
      workItemCreated,
      workItemUpdated,
      workItemStatusChanged,
      taskCreated,
      taskUpdated,
    ],
    retries: DELIVERY_RETRIES,
    onFailure: async ({ event, error, step, runId }) => {
      const ids = changeEventIds(event.data.event);
      logger.error(
        { changeEventIds: ids, err: error.message },
        `Fan-out of ${ids.join(", ")} failed; trying once more`,
      );
      const { requests } = await step.run("fan-out-again", () => fanOutMany(getDb(), ids, runId));
      if (requests.length > 0) await step.sendEvent("request-deliveries", requests);
    },
  },
  async ({ event, step, runId }) => {
    const { requests, ...result } = await step.run("create-and-deliver", () =>
      fanOutMany(getDb(), changeEventIds(event), runId),
    );
    if (requests.length > 0) await step.sendEvent("request-deliveries", requests);
    return result;
  },
);
