import { eq } from "drizzle-orm";
import { NonRetriableError } from "inngest";
import { type Db, getDb } from "@/db/client";
import {
  createSyncsForChangeEvent,
  getChangeEventWithReference,
  isCreationEvent,
  listSubscribedIntegrations,
} from "@/db/queries/syncs";
import { type ChangeEvent, workItems } from "@/db/schema";
import { logger } from "@/lib/logger";
import { buildWebhookBody } from "@/lib/webhooks";
import { inngest } from "../client";
import {
  deliveryRequested,
  taskCreated,
  taskUpdated,
  workItemCreated,
  workItemStatusChanged,
  workItemUpdated,
} from "../events";

const SUBJECT_LABEL = { workitem: "WorkItem", task: "Task" } as const;

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

/**
 * Fan-out: one sync row per subscribed integration, then one delivery request per new sync.
 * Creation events are delivered once per object and integration; updates on every save.
 */
export const fanOutChangeEvent = inngest.createFunction(
  {
    id: "fan-out-change-event",
    triggers: [workItemCreated, workItemUpdated, workItemStatusChanged, taskCreated, taskUpdated],
    retries: 10,
  },
  async ({ event, step }) => {
    const { changeEventId, eventType, reference, subjectType, subjectId } = event.data;
    const label = `${SUBJECT_LABEL[subjectType]} ${subjectType === "workitem" ? reference : `${subjectId} (${reference})`}`;

    const plans = await step.run("create-syncs", async () => {
      const db = getDb();
      const change = await getChangeEventWithReference(db, changeEventId);
      if (!change) throw new NonRetriableError(`Change event ${changeEventId} not found`);
      const subscribers = await listSubscribedIntegrations(db, eventType);
      logger.info(
        { changeEventId, eventType },
        `Triggering ${subscribers.length} integration(s) for ${label} (${eventType})`,
      );
      const result = await createSyncsForChangeEvent(db, change, subscribers, (e) => buildPayload(db, e));
      for (const plan of result) {
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
      }
      return result;
    });

    const toDeliver = plans
      .filter((p) => p.sync && p.sync.status === "pending" && p.integration.active)
      .map((p) => p.sync!.id);
    if (toDeliver.length > 0) {
      await step.sendEvent(
        "request-deliveries",
        toDeliver.map((syncId) =>
          deliveryRequested.create({ syncId, trigger: "automatic" }, { id: `sync-${syncId}` }),
        ),
      );
    }
    return { syncs: plans.map((p) => ({ integration: p.integration.name, syncId: p.sync?.id ?? null })) };
  },
);
