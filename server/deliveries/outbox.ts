import "server-only";
import { createHash } from "node:crypto";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { after } from "next/server";
import { type Db, getDb } from "@/db/client";
import { type ChangeEvent, changeEvents, workItems } from "@/db/schema";
import { inngest } from "@/inngest/client";
import { CHANGES_PER_EVENT, type ChangeEventData, changesCommitted } from "@/inngest/events";
import { logger } from "@/lib/logger";
import type { ChangeEventWithReference } from "./fan-out";
import { describeSubject } from "./subjects";

function changeData(event: ChangeEventWithReference): ChangeEventData {
  return {
    changeEventId: event.id,
    eventType: event.eventType,
    workItemId: event.workItemId,
    reference: event.reference,
    subjectType: event.subjectType,
    subjectId: event.subjectId,
    revision: event.revision,
  };
}

/**
 * The Inngest events for committed change events: `repairs/changes.committed`, up to CHANGES_PER_EVENT
 * changes each, so one fan-out run serves many saves. The event id names its changes (a re-send of the
 * same ones is dropped by the engine); fan-out is idempotent in the database whatever the grouping.
 */
export function toInngestEvents(events: ChangeEventWithReference[]) {
  const out: ReturnType<typeof changesCommitted.create>[] = [];
  for (let start = 0; start < events.length; start += CHANGES_PER_EVENT) {
    const changes = events.slice(start, start + CHANGES_PER_EVENT).map(changeData);
    const digest = createHash("sha256")
      .update(changes.map((c) => c.changeEventId).join(","))
      .digest("base64url")
      .slice(0, 22);
    out.push(changesCommitted.create({ changes }, { id: `changes-${digest}` }));
  }
  return out;
}

/**
 * The outbox: change events are written in the save's transaction; after commit they are sent to
 * Inngest and marked dispatched. What a save could not send, the redispatch-outbox function sends later.
 */

/**
 * Sends committed change events to Inngest and marks them dispatched. Never throws: when the engine
 * is unreachable the events stay undispatched and the outbox cron sends them later.
 */
export async function sendChangeEvents(db: Db, events: ChangeEventWithReference[]): Promise<boolean> {
  if (events.length === 0) return true;
  try {
    await inngest.send(toInngestEvents(events));
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
    coalesce(db, events).catch((error) => {
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

type Waiting = { events: ChangeEvent[]; done: () => void; failed: (error: unknown) => void };
type Dispatcher = { waiting: Waiting[]; busy: boolean };
const dispatchers = new WeakMap<Db, Dispatcher>();

/**
 * Saves committed while this process's previous send is on the wire go out together in the next one
 * (one reference lookup, one send, one "dispatched" update): at low load every save is sent at once,
 * under load the batches grow with the backlog, so the sends never queue behind each other.
 */
function coalesce(db: Db, events: ChangeEvent[]): Promise<void> {
  let dispatcher = dispatchers.get(db);
  if (!dispatcher) {
    dispatcher = { waiting: [], busy: false };
    dispatchers.set(db, dispatcher);
  }
  const d = dispatcher;
  const done = new Promise<void>((resolve, reject) => {
    d.waiting.push({ events, done: resolve, failed: reject });
  });
  if (!d.busy) {
    d.busy = true;
    // After this turn: the saves committed by the same I/O event join the first send.
    setImmediate(() => void drain(db, d));
  }
  return done;
}

async function drain(db: Db, d: Dispatcher): Promise<void> {
  while (d.waiting.length > 0) {
    const batch = d.waiting.splice(0);
    try {
      await dispatchNow(
        batch.flatMap((w) => w.events),
        db,
      );
      for (const w of batch) w.done();
    } catch (error) {
      for (const w of batch) w.failed(error);
    }
  }
  d.busy = false;
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
