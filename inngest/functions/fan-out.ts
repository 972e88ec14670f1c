import { eq } from "drizzle-orm";
import { NonRetriableError } from "inngest";
import { type Db, getDb } from "@/db/client";
import { type ChangeEvent, workItems } from "@/db/schema";
import { logger } from "@/lib/logger";
import { claimLeaseMs } from "@/server/deliveries/attempt";
import { type DeliverNowResult, deliverNow } from "@/server/deliveries/deliver-now";
import { describeSubject } from "@/server/deliveries/outbox";
import { buildWebhookBody } from "@/server/deliveries/payload";
import {
  createSyncsForChangeEvent,
  type DeliveryContext,
  getChangeEventWithReference,
  isCreationEvent,
  listSubscribedIntegrations,
} from "@/server/deliveries/syncs";
import { inngest } from "../client";
import { taskCreated, taskUpdated, workItemCreated, workItemStatusChanged, workItemUpdated } from "../events";
import { DELIVERY_RETRIES } from "./deliver-webhook";

function toJson(value: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

/** The webhook body, fixed at fan-out time so retries and manual resends send the same bytes. */
export async function buildPayload(db: Db, event: ChangeEvent): Promise<Record<string, unknown>> {
  let workItem = event.snapshot;
  let task: Record<string, unknown> | null = null;
  if (event.subjectType === "task") {
    // Task snapshots carry their work item as it was at the time of the change.
    const { workItem: parent, ...taskFields } = event.snapshot as { workItem?: Record<string, unknown> };
    task = taskFields;
    if (parent) {
      workItem = parent;
    } else {
      const [row] = await db.select().from(workItems).where(eq(workItems.id, event.workItemId));
      workItem = row ? toJson(row) : { id: event.workItemId };
    }
  }
  return toJson(
    buildWebhookBody({
      changeEventId: event.id,
      type: event.eventType,
      occurredAt: event.createdAt,
      revision: event.revision,
      workItem,
      task,
      changes: event.changes,
      actor: event.actorId ? { id: event.actorId, name: event.actorName } : null,
    }),
  );
}

export type FanOutResult = DeliverNowResult & {
  syncs: { integration: string; syncId: number | null }[];
};

/**
 * One sync row per subscribed integration, then its first try at once (deliverNow). Creation events
 * are delivered once per object and integration; updates on every save. Safe to run again: rows are
 * insert-if-absent and settled syncs are skipped. Used by the fan-out function and the recovery cron.
 */
export async function fanOut(db: Db, changeEventId: string, claimant: string): Promise<FanOutResult> {
  const change = await getChangeEventWithReference(db, changeEventId);
  if (!change) throw new NonRetriableError(`Change event ${changeEventId} not found`);
  const { eventType, subjectType, subjectId, reference } = change;
  const label = describeSubject(change);
  const subscribers = await listSubscribedIntegrations(db, eventType);
  logger.info(
    { changeEventId, eventType },
    `Triggering ${subscribers.length} integration(s) for ${label} (${eventType})`,
  );
  const plans = await createSyncsForChangeEvent(db, change, subscribers, (e) => buildPayload(db, e), {
    claimant,
    leaseMs: claimLeaseMs(),
  });
  const toDeliver: DeliveryContext[] = [];
  for (const plan of plans) {
    if (!plan.sync || (isCreationEvent(eventType) && plan.sync.status !== "pending")) {
      logger.info(
        { changeEventId, integrationId: plan.integration.id },
        `${label} ${subjectType}:${subjectId} already synced to ${plan.integration.name}, skipping`,
      );
    } else if (!plan.integration.active) {
      logger.info(
        { changeEventId, integrationId: plan.integration.id },
        `Integration ${plan.integration.name} is paused; ${subjectType}:${subjectId} waits for a resume`,
      );
    }
    // A settled sync of this very change event goes to deliverNow too: a retried step (the first one
    // died after the POST) must still release the next delivery of its integration and object.
    if (plan.sync && plan.integration.active) {
      toDeliver.push({ sync: plan.sync, integration: plan.integration, reference });
    }
  }
  const delivered = await deliverNow(db, toDeliver, claimant);
  return {
    syncs: plans.map((p) => ({ integration: p.integration.name, syncId: p.sync?.id ?? null })),
    ...delivered,
  };
}

/**
 * The fan-out function: one step, so the usual save costs one engine round trip; what cannot settle
 * at once gets a deliver-webhook run of its own. Its retries span a day on Inngest's backoff like a
 * delivery's; if they run out (the database was away all that time), the failure handler fans out
 * once more, and after that the recovery cron finds the change event.
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
      await step.run("fan-out-again", () => fanOut(getDb(), changeEventId, runId));
    },
  },
  async ({ event, step, runId }) =>
    step.run("create-and-deliver", () => fanOut(getDb(), event.data.changeEventId, runId)),
);
