import "server-only";
import { asc, eq, inArray, sql } from "drizzle-orm";
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
  return (await getChangeEventsWithReference(db, [changeEventId]))[0];
}

/** Change events with their work item's reference, in the order they were made. */
async function getChangeEventsWithReference(db: Db, ids: string[]): Promise<ChangeEventWithReference[]> {
  const rows = await db
    .select({ event: changeEvents, reference: workItems.reference })
    .from(changeEvents)
    .innerJoin(workItems, eq(workItems.id, changeEvents.workItemId))
    .where(inArray(changeEvents.id, ids))
    .orderBy(asc(changeEvents.createdAt), asc(changeEvents.revision));
  return rows.map((row) => ({ ...row.event, reference: row.reference }));
}

/** Integrations subscribed to an event type, paused ones included: their syncs wait for a resume. */
function subscribersOf(all: Integration[], eventType: string): Integration[] {
  return all.filter((i) => (i.eventTypes as string[]).includes(eventType));
}

function isCreationEvent(eventType: string): boolean {
  return (CREATION_EVENT_TYPES as readonly string[]).includes(eventType);
}

export type SyncPlan = {
  integration: Integration;
  /** The sync row for this change event, or null when a creation sync already existed. */
  sync: IntegrationSync | null;
};

type Lease = { holder: string; ms: number };

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
  lease?: Lease,
): Promise<SyncPlan[]> {
  return (await createSyncs(db, [{ event, subscribers }], lease))[0] ?? [];
}

/** createSyncsForChangeEvent for many change events: one INSERT for all their rows. */
async function createSyncs(
  db: Db,
  changes: { event: ChangeEvent; subscribers: Integration[] }[],
  lease?: Lease,
): Promise<SyncPlan[][]> {
  const values = [];
  for (const { event, subscribers } of changes) {
    if (subscribers.length === 0) continue;
    const payload = await buildPayload(db, event);
    for (const integration of subscribers) {
      values.push({
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
      });
    }
  }
  if (values.length === 0) return changes.map(() => []);
  const inserted = await db.insert(integrationSyncs).values(values).onConflictDoNothing().returning();
  // Rows that were there already (a retried step) are read back; the usual case needs no second query.
  const rows =
    inserted.length === values.length
      ? inserted
      : await db
          .select()
          .from(integrationSyncs)
          .where(
            inArray(
              integrationSyncs.changeEventId,
              changes.map((c) => c.event.id),
            ),
          );
  const byKey = new Map(rows.map((r) => [`${r.changeEventId}:${r.integrationId}`, r]));
  return changes.map(({ event, subscribers }) =>
    subscribers.map((integration) => ({
      integration,
      sync: byKey.get(`${event.id}:${integration.id}`) ?? null,
    })),
  );
}

export type FanOutResult = DeliverNowResult & {
  syncs: { changeEventId: string; integration: string; syncId: number | null }[];
};

/**
 * One sync row per subscribed integration for each change event, then their first tries at once
 * (deliverNow): one query for the change events, one for the integrations, one INSERT, and the tries'
 * statements shared (lib/batcher.ts), however many saves the batch holds. Creation events are delivered
 * once per object and integration; updates on every save. Safe to run again: rows are insert-if-absent
 * and settled syncs are skipped. Used by the fan-out function and the recovery cron; the delivery
 * requests it returns are for the caller to send (step.sendEvent).
 */
export async function fanOutMany(db: Db, changeEventIds: string[], holder: string): Promise<FanOutResult> {
  const changes = await getChangeEventsWithReference(db, changeEventIds);
  if (changes.length === 0) {
    throw new NonRetriableError(`Change event ${changeEventIds.join(", ")} not found`);
  }
  if (changes.length < changeEventIds.length) {
    const found = new Set(changes.map((c) => c.id));
    const missing = changeEventIds.filter((id) => !found.has(id));
    logger.warn({ changeEventIds: missing }, `Change event ${missing.join(", ")} not found; skipping`);
  }
  const all = await db.select().from(integrations).orderBy(asc(integrations.id));
  const planned = changes.map((change) => ({
    event: change,
    subscribers: subscribersOf(all, change.eventType),
  }));
  for (const { event, subscribers } of planned) {
    logger.info(
      { changeEventId: event.id, eventType: event.eventType },
      `Triggering ${subscribers.length} integration(s) for ${describeSubject(event)} (${event.eventType})`,
    );
  }
  const plans = await createSyncs(db, planned, { holder, ms: leaseMs() });
  const toDeliver: DeliveryContext[] = [];
  const syncs: FanOutResult["syncs"] = [];
  changes.forEach((change, i) => {
    const { eventType, subjectType, subjectId, reference } = change;
    const label = describeSubject(change);
    for (const plan of plans[i] ?? []) {
      syncs.push({
        changeEventId: change.id,
        integration: plan.integration.name,
        syncId: plan.sync?.id ?? null,
      });
      if (!plan.sync || (isCreationEvent(eventType) && plan.sync.status !== "pending")) {
        logger.info(
          { changeEventId: change.id, integrationId: plan.integration.id },
          `${label} ${subjectType}:${subjectId} already synced to ${plan.integration.name}, skipping`,
        );
      } else if (!plan.integration.active) {
        logger.info(
          { changeEventId: change.id, integrationId: plan.integration.id },
          `Integration ${plan.integration.name} is paused; ${subjectType}:${subjectId} waits for a resume`,
        );
      }
      // A settled sync of this very change event goes to deliverNow too: a retried step (the first one
      // died after the POST) must still release the next delivery of its integration and object.
      if (plan.sync && plan.integration.active) {
        toDeliver.push({ sync: plan.sync, integration: plan.integration, reference });
      }
    }
  });
  const delivered = await deliverNow(db, toDeliver, holder);
  return { syncs, ...delivered };
}
