import "server-only";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { after } from "next/server";
import { type Db, getDb } from "@/db/client";
import { type ChangeEvent, changeEvents, workItems } from "@/db/schema";
import { inngest } from "@/inngest/client";
import { CHANGE_EVENT_NAMES, type ChangeEventData } from "@/inngest/events";
import { logger } from "@/lib/logger";
import type { ChangeEventWithReference } from "./fan-out";
import { describeSubject } from "./subjects";

export function toInngestEvent(event: ChangeEventWithReference) {
  const data: ChangeEventData = {
    changeEventId: event.id,
    eventType: event.eventType,
    workItemId: event.workItemId,
    reference: event.reference,
    subjectType: event.subjectType,
    subjectId: event.subjectId,
    revision: event.revision,
  };
  // The outbox id is the Inngest event id: creation events have a deterministic one per object, so a
  // re-send is dropped by the engine; each update has its own, so no update swallows another.
  return { id: event.id, name: CHANGE_EVENT_NAMES[event.eventType], data };
}

/**
 * The outbox: change events are written in the save's transaction; after commit they are sent to
 * Inngest (their outbox id is the Inngest event id) and marked dispatched. What a save could not send,
 * the redispatch-outbox function sends later.
 */

/**
 * Sends committed change events to Inngest and marks them dispatched. Never throws: when the engine
 * is unreachable the events stay undispatched and the outbox cron sends them later.
 */
export async function sendChangeEvents(db: Db, events: ChangeEventWithReference[]): Promise<boolean> {
  if (events.length === 0) return true;
  try {
    await inngest.send(events.map(toInngestEvent));
  } catch (error) {
    logger.warn(
      { err: errorMessage(error), changeEventIds: events.map((e) => e.id) },
      "Could not send change events to Inngest; the outbox will retry",
    );
    return false;
  }
  await markChangeEventsDispatched(
    db,
    events.map((e) => e.id),
  );
  return true;
}

/**
 * Called by server actions and API routes after their transaction committed. Inside a request the
 * send runs after the response is sent (Next's `after`), so an engine outage never slows a save;
 * elsewhere (tests, scripts) it is awaited.
 */
export async function dispatchChangeEvents(events: ChangeEvent[], db: Db = getDb()): Promise<void> {
  if (events.length === 0) return;
  const task = () =>
    dispatchNow(events, db).catch((error) => {
      // The save is committed; the outbox cron sends what this could not.
      logger.warn(
        { err: errorMessage(error), changeEventIds: events.map((e) => e.id) },
        "Dispatch after commit failed",
      );
    });
  try {
    after(task);
  } catch {
    await task();
  }
}

async function dispatchNow(events: ChangeEvent[], db: Db): Promise<void> {
  const ids = [...new Set(events.map((e) => e.workItemId))];
  const refs = await db
    .select({ id: workItems.id, reference: workItems.reference })
    .from(workItems)
    .where(inArray(workItems.id, ids));
  const referenceOf = new Map(refs.map((r) => [r.id, r.reference]));
  const withReference = events.map((e) => ({
    ...e,
    reference: referenceOf.get(e.workItemId) ?? `#${e.workItemId}`,
  }));
  for (const e of withReference) {
    const verb = e.eventType.endsWith("_created") ? "created" : "updated";
    logger.info(
      { changeEventId: e.id, eventType: e.eventType, workItemId: e.workItemId },
      `${describeSubject(e)} ${verb}, will trigger integration`,
    );
  }
  await sendChangeEvents(db, withReference);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Change events not yet sent, older than `olderThan` (younger ones may still be on their way). */
export async function listUndispatchedChangeEvents(
  db: Db,
  olderThan: { seconds: number },
  limit = 500,
): Promise<ChangeEventWithReference[]> {
  const rows = await db
    .select({ event: changeEvents, reference: workItems.reference })
    .from(changeEvents)
    .innerJoin(workItems, eq(workItems.id, changeEvents.workItemId))
    .where(
      and(
        sql`${changeEvents.dispatchedAt} is null`,
        sql`${changeEvents.createdAt} < now() - make_interval(secs => ${olderThan.seconds})`,
      ),
    )
    .orderBy(asc(changeEvents.createdAt), asc(changeEvents.revision))
    .limit(limit);
  return rows.map((r) => ({ ...r.event, reference: r.reference }));
}

export async function markChangeEventsDispatched(db: Db, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.update(changeEvents).set({ dispatchedAt: sql`now()` }).where(inArray(changeEvents.id, ids));
}
