import "server-only";
import { asc, eq, sql } from "drizzle-orm";
import { NonRetriableError } from "inngest";
import type { Db } from "@/db/client";
import {
  type ChangeEvent,
  CREATION_EVENT_TYPES,
  changeEvents,
  type Integration,
  type IntegrationSync,
  integrationSyncs,
  integrations,
  workItems,
} from "@/db/schema";
import { logger } from "@/lib/logger";
import type { DeliveryContext } from "./attempt";
import { leaseMs } from "./lease";
import { buildPayload } from "./payload";
import { type DeliverNowResult, deliverNow } from "./runs";
import { describeSubject } from "./subjects";

export type ChangeEventWithReference = ChangeEvent & { reference: string };

export async function getChangeEventWithReference(
  db: Db,
  changeEventId: string,
): Promise<ChangeEventWithReference | undefined> {
  const [row] = await db
    .select({ event: changeEvents, reference: workItems.reference })
    .from(changeEvents)
    .innerJoin(workItems, eq(workItems.id, changeEvents.workItemId))
    .where(eq(changeEvents.id, changeEventId));
  return row ? { ...row.event, reference: row.reference } : undefined;
}

/** Integrations subscribed to an event type, paused ones included: their syncs wait for a resume. */
async function listSubscribedIntegrations(db: Db, eventType: string): Promise<Integration[]> {
  return db
    .select()
    .from(integrations)
    .where(sql`${integrations.eventTypes} @> ${JSON.stringify([eventType])}::jsonb`)
    .orderBy(asc(integrations.id));
}

function isCreationEvent(eventType: string): boolean {
  return (CREATION_EVENT_TYPES as readonly string[]).includes(eventType);
}

export type SyncPlan = {
  integration: Integration;
  /** The sync row for this change event, or null when a creation sync already existed. */
  sync: IntegrationSync | null;
};

/**
 * Creates one sync row per subscribed integration. Insert-if-absent: a retried fan-out step finds its
 * own rows (unique per change event and integration), and a creation event whose object already has a
 * creation sync for that integration gets none (the partial unique index). With `lease`, new rows of
 * active integrations are born leased to that holder (the fan-out's run), so its first try needs no
 * round trip to take the lease.
 */
export async function createSyncsForChangeEvent(
  db: Db,
  event: ChangeEvent,
  subscribers: Integration[],
  lease?: { holder: string; ms: number },
): Promise<SyncPlan[]> {
  if (subscribers.length === 0) return [];
  const payload = await buildPayload(db, event);
  const inserted = await db
    .insert(integrationSyncs)
    .values(
      subscribers.map((integration) => ({
        integrationId: integration.id,
        subjectType: event.subjectType,
        subjectId: event.subjectId,
        workItemId: event.workItemId,
        changeEventId: event.id,
        eventType: event.eventType,
        revision: event.revision,
        webhookId: `msg_${event.id}_${integration.id}`,
        payload,
        ...(lease && integration.active
          ? {
              leaseHolder: lease.holder,
              leaseExpiresAt: sql`now() + ${lease.ms} * interval '1 millisecond'`,
            }
          : {}),
      })),
    )
    .onConflictDoNothing()
    .returning();
  // Rows that were there already (a retried step) are read back; the usual case needs no second query.
  const rows =
    inserted.length === subscribers.length
      ? inserted
      : await db.select().from(integrationSyncs).where(eq(integrationSyncs.changeEventId, event.id));
  const byIntegration = new Map(rows.map((r) => [r.integrationId, r]));
  return subscribers.map((integration) => ({ integration, sync: byIntegration.get(integration.id) ?? null }));
}

export type FanOutResult = DeliverNowResult & {
  syncs: { integration: string; syncId: number | null }[];
};

/**
 * One sync row per subscribed integration, then its first try at once (deliverNow). Creation events
 * are delivered once per object and integration; updates on every save. Safe to run again: rows are
 * insert-if-absent and settled syncs are skipped. Used by the fan-out function and the recovery cron; the
 * delivery requests it returns are for the caller to send (step.sendEvent).
 */
export async function fanOut(db: Db, changeEventId: string, holder: string): Promise<FanOutResult> {
  const change = await getChangeEventWithReference(db, changeEventId);
  if (!change) throw new NonRetriableError(`Change event ${changeEventId} not found`);
  const { eventType, subjectType, subjectId, reference } = change;
  const label = describeSubject(change);
  const subscribers = await listSubscribedIntegrations(db, eventType);
  logger.info(
    { changeEventId, eventType },
    `Triggering ${subscribers.length} integration(s) for ${label} (${eventType})`,
  );
  const plans = await createSyncsForChangeEvent(db, change, subscribers, { holder, ms: leaseMs() });
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
  const delivered = await deliverNow(db, toDeliver, holder);
  return {
    syncs: plans.map((p) => ({ integration: p.integration.name, syncId: p.sync?.id ?? null })),
    ...delivered,
  };
}
