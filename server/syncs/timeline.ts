import "server-only";
import { and, asc, desc, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import {
  type AttemptTrigger,
  type ChangeEventType,
  changeEvents,
  type ErrorKind,
  type FieldChanges,
  integrationSyncs,
  integrations,
  type SubjectType,
  type SyncStatus,
  syncAttempts,
  users,
  workItems,
} from "@/db/schema";
import type { Role } from "@/server/auth/roles";
import { disclosureFor, redactResponseHeaders, redactUrl, redactUrlsIn } from "@/server/deliveries/redact";

/**
 * The per-item sync timeline. Everything here is plain JSON (dates as ISO strings) because it goes
 * straight to a client component and through the polling route handler.
 */

export const TIMELINE_PAGE_SIZE = 20;

/** Events younger than this with no sync rows yet are "waiting for fan-out" (the page keeps polling). */
const FAN_OUT_GRACE_MS = 10 * 60_000;

export type TimelineSync = {
  /** Null for a placeholder: the integration is subscribed but its sync row does not exist yet. */
  id: number | null;
  integrationId: number;
  integrationName: string;
  eventType: ChangeEventType;
  status: SyncStatus;
  attemptCount: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastDurationMs: number | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  /**
   * Why a pending sync is not being tried now ("integration paused (Receiver answered 410 Gone …)"),
   * or null.
   */
  waitingFor: string | null;
};

/** Pending syncs of a paused integration wait for a resume; the timeline says so and why. */
function waitingFor(
  status: SyncStatus,
  integration: { active: boolean; pausedReason: string | null },
): string | null {
  if (status !== "pending" || integration.active) return null;
  return `integration paused (${integration.pausedReason ?? "no reason given"})`;
}

/** One save: a change event, or the two events one save writes (updated + status changed). */
export type TimelineEntry = {
  key: string;
  subjectType: SubjectType;
  subjectId: number;
  /** The task's title for task events; null for the work item itself. */
  subjectTitle: string | null;
  revision: number;
  actorName: string | null;
  createdAt: string;
  eventTypes: ChangeEventType[];
  changeEventIds: string[];
  changes: FieldChanges;
  syncs: TimelineSync[];
};

export type TimelinePage = {
  entries: TimelineEntry[];
  /** Pass as `before` to get the next (older) page; null when this is the oldest. */
  nextCursor: string | null;
  /** Names of the users the changes mention (technician changes). */
  userNames: Record<string, string>;
  pending: boolean;
};

type EventRow = {
  id: string;
  eventType: ChangeEventType;
  subjectType: SubjectType;
  subjectId: number;
  revision: number;
  changes: FieldChanges;
  actorName: string | null;
  createdAt: Date;
  dispatchedAt: Date | null;
  cursor: string;
  subjectTitle: string | null;
};

const eventColumns = {
  id: changeEvents.id,
  eventType: changeEvents.eventType,
  subjectType: changeEvents.subjectType,
  subjectId: changeEvents.subjectId,
  revision: changeEvents.revision,
  changes: changeEvents.changes,
  actorName: changeEvents.actorName,
  createdAt: changeEvents.createdAt,
  dispatchedAt: changeEvents.dispatchedAt,
  // Full precision (microseconds) so the keyset cursor never skips or repeats an event.
  cursor: sql<string>`${changeEvents.createdAt}::text`,
  subjectTitle: sql<
    string | null
  >`case when ${changeEvents.subjectType} = 'task' then ${changeEvents.snapshot}->>'title' end`,
};

/**
 * One page of a work item's timeline, newest first: its change events and its tasks', each with one
 * row per integration. Keyset-paginated on `created_at` through `change_events_work_item_created_idx`;
 * the events of one instant are never split across pages. Syncs are read by change event id through
 * `integration_syncs_change_event_integration_idx`, so a work item with 10,000 syncs reads only this page's.
 */
export async function listTimeline(
  db: Db,
  workItemId: number,
  {
    before = null,
    limit = TIMELINE_PAGE_SIZE,
    viewer = "technician",
  }: { before?: string | null; limit?: number; viewer?: Role } = {},
): Promise<TimelinePage> {
  const disclosure = disclosureFor(viewer);
  const where: SQL[] = [eq(changeEvents.workItemId, workItemId)];
  if (before) where.push(sql`${changeEvents.createdAt} < ${before}::timestamptz`);
  const rows: EventRow[] = await db
    .select(eventColumns)
    .from(changeEvents)
    .where(and(...where))
    .orderBy(sql`${changeEvents.createdAt} desc nulls last`, desc(changeEvents.id))
    .limit(limit + 1);

  let events = rows.slice(0, limit);
  let nextCursor: string | null = null;
  if (rows.length > limit) {
    const boundary = events[events.length - 1].cursor;
    if (rows[limit].cursor === boundary) {
      // Complete the instant at the page boundary (e.g. one save's two events).
      const seen = new Set(events.map((e) => e.id));
      const rest = await db
        .select(eventColumns)
        .from(changeEvents)
        .where(
          and(
            eq(changeEvents.workItemId, workItemId),
            sql`${changeEvents.createdAt} = ${boundary}::timestamptz`,
          ),
        )
        .orderBy(desc(changeEvents.id));
      events = [...events, ...rest.filter((e) => !seen.has(e.id))];
      const [older] = await db
        .select({ id: changeEvents.id })
        .from(changeEvents)
        .where(
          and(
            eq(changeEvents.workItemId, workItemId),
            sql`${changeEvents.createdAt} < ${boundary}::timestamptz`,
          ),
        )
        .limit(1);
      nextCursor = older ? boundary : null;
    } else {
      nextCursor = boundary;
    }
  }

  const ids = events.map((e) => e.id);
  const syncRows = ids.length
    ? await db
        .select({
          id: integrationSyncs.id,
          changeEventId: integrationSyncs.changeEventId,
          integrationId: integrationSyncs.integrationId,
          integrationName: integrations.name,
          eventType: integrationSyncs.eventType,
          status: integrationSyncs.status,
          attemptCount: integrationSyncs.attemptCount,
          lastStatusCode: integrationSyncs.lastStatusCode,
          lastError: integrationSyncs.lastError,
          lastDurationMs: integrationSyncs.lastDurationMs,
          createdAt: integrationSyncs.createdAt,
          updatedAt: integrationSyncs.updatedAt,
          completedAt: integrationSyncs.completedAt,
          integrationActive: integrations.active,
          pausedReason: integrations.pausedReason,
        })
        .from(integrationSyncs)
        .innerJoin(integrations, eq(integrations.id, integrationSyncs.integrationId))
        .where(inArray(integrationSyncs.changeEventId, ids))
    : [];
  const syncsByEvent = new Map<string, TimelineSync[]>();
  for (const { changeEventId, integrationActive, pausedReason, ...s } of syncRows) {
    const list = syncsByEvent.get(changeEventId) ?? [];
    list.push({
      ...s,
      waitingFor: waitingFor(s.status, { active: integrationActive, pausedReason }),
      lastError: redactUrlsIn(s.lastError, disclosure),
      createdAt: s.createdAt.toISOString(),
      updatedAt: s.updatedAt.toISOString(),
      completedAt: s.completedAt?.toISOString() ?? null,
    });
    syncsByEvent.set(changeEventId, list);
  }

  const now = Date.now();
  const unsynced = events.filter(
    (e) => !syncsByEvent.has(e.id) && (!e.dispatchedAt || now - e.createdAt.getTime() < FAN_OUT_GRACE_MS),
  );
  if (unsynced.length) {
    const subscribers = await db
      .select({
        id: integrations.id,
        name: integrations.name,
        eventTypes: integrations.eventTypes,
        createdAt: integrations.createdAt,
        active: integrations.active,
        pausedReason: integrations.pausedReason,
      })
      .from(integrations);
    for (const e of unsynced) {
      const waiting = subscribers.filter(
        (i) => i.eventTypes.includes(e.eventType) && i.createdAt <= e.createdAt,
      );
      if (!waiting.length) continue;
      syncsByEvent.set(
        e.id,
        waiting.map((i) => ({
          id: null,
          integrationId: i.id,
          integrationName: i.name,
          eventType: e.eventType,
          status: "pending",
          attemptCount: 0,
          lastStatusCode: null,
          lastError: null,
          lastDurationMs: null,
          createdAt: e.createdAt.toISOString(),
          updatedAt: e.createdAt.toISOString(),
          completedAt: null,
          waitingFor: waitingFor("pending", i),
        })),
      );
    }
  }

  const entries = groupBySave(events, syncsByEvent);
  const userIds = new Set<string>();
  for (const e of entries) {
    const t = e.changes.technicianId;
    if (typeof t?.from === "string") userIds.add(t.from);
    if (typeof t?.to === "string") userIds.add(t.to);
  }
  const names = userIds.size
    ? await db
        .select({ id: users.id, name: users.name })
        .from(users)
        .where(inArray(users.id, [...userIds]))
    : [];

  return {
    entries,
    nextCursor,
    userNames: Object.fromEntries(names.map((u) => [u.id, u.name])),
    pending: entries.some((e) => e.syncs.some((s) => s.status === "pending")),
  };
}

function groupBySave(events: EventRow[], syncsByEvent: Map<string, TimelineSync[]>): TimelineEntry[] {
  const entries = new Map<string, TimelineEntry>();
  for (const e of events) {
    const key = `${e.subjectType}:${e.subjectId}:${e.revision}:${e.cursor}`;
    let entry = entries.get(key);
    if (!entry) {
      entry = {
        key,
        subjectType: e.subjectType,
        subjectId: e.subjectId,
        subjectTitle: e.subjectTitle,
        revision: e.revision,
        actorName: e.actorName,
        createdAt: e.createdAt.toISOString(),
        eventTypes: [],
        changeEventIds: [],
        changes: {},
        syncs: [],
      };
      entries.set(key, entry);
    }
    entry.eventTypes.push(e.eventType);
    entry.changeEventIds.push(e.id);
    entry.changes = { ...e.changes, ...entry.changes };
    entry.syncs.push(...(syncsByEvent.get(e.id) ?? []));
  }
  for (const entry of entries.values()) {
    entry.eventTypes.sort((a, b) => EVENT_ORDER.indexOf(a) - EVENT_ORDER.indexOf(b));
    entry.syncs.sort(
      (a, b) =>
        a.integrationName.localeCompare(b.integrationName) ||
        EVENT_ORDER.indexOf(a.eventType) - EVENT_ORDER.indexOf(b.eventType),
    );
  }
  return [...entries.values()];
}

const EVENT_ORDER: ChangeEventType[] = [
  "workitem_created",
  "task_created",
  "workitem_updated",
  "task_updated",
  "workitem_status_changed",
];

export type SyncAttemptDetail = {
  id: number;
  number: number;
  trigger: AttemptTrigger;
  requestUrl: string;
  requestHeaders: Record<string, string>;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  durationMs: number;
  errorKind: ErrorKind | null;
  errorMessage: string | null;
  startedAt: string;
};

export type SyncDetail = TimelineSync & {
  id: number;
  webhookId: string;
  changeEventId: string;
  subjectType: SubjectType;
  subjectId: number;
  revision: number;
  workItemId: number;
  reference: string;
  integrationUrl: string;
  payload: Record<string, unknown>;
  attempts: SyncAttemptDetail[];
};

/**
 * One sync with its attempts (oldest first) and payload, as `viewer` may see it: request headers are
 * stored redacted; URLs' query strings, auth-like response headers (Set-Cookie…) and URLs inside error
 * messages are hidden from technicians and redacted for managers and admins (server/deliveries/redact.ts).
 */
export async function getSyncDetail(db: Db, syncId: number, viewer: Role): Promise<SyncDetail | null> {
  const disclosure = disclosureFor(viewer);
  const [row] = await db
    .select({
      sync: integrationSyncs,
      integrationName: integrations.name,
      integrationUrl: integrations.url,
      integrationActive: integrations.active,
      pausedReason: integrations.pausedReason,
      reference: workItems.reference,
    })
    .from(integrationSyncs)
    .innerJoin(integrations, eq(integrations.id, integrationSyncs.integrationId))
    .innerJoin(workItems, eq(workItems.id, integrationSyncs.workItemId))
    .where(eq(integrationSyncs.id, syncId));
  if (!row) return null;
  const attempts = await db
    .select()
    .from(syncAttempts)
    .where(eq(syncAttempts.syncId, syncId))
    .orderBy(asc(syncAttempts.number));
  const s = row.sync;
  return {
    id: s.id,
    integrationId: s.integrationId,
    integrationName: row.integrationName,
    integrationUrl: redactUrl(row.integrationUrl, disclosure),
    eventType: s.eventType,
    status: s.status,
    attemptCount: s.attemptCount,
    lastStatusCode: s.lastStatusCode,
    lastError: redactUrlsIn(s.lastError, disclosure),
    lastDurationMs: s.lastDurationMs,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    completedAt: s.completedAt?.toISOString() ?? null,
    waitingFor: waitingFor(s.status, { active: row.integrationActive, pausedReason: row.pausedReason }),
    webhookId: s.webhookId,
    changeEventId: s.changeEventId,
    subjectType: s.subjectType,
    subjectId: s.subjectId,
    revision: s.revision,
    workItemId: s.workItemId,
    reference: row.reference,
    payload: s.payload,
    attempts: attempts.map((a) => ({
      id: a.id,
      number: a.number,
      trigger: a.trigger,
      requestUrl: redactUrl(a.requestUrl, disclosure),
      requestHeaders: a.requestHeaders,
      responseStatus: a.responseStatus,
      responseHeaders: redactResponseHeaders(a.responseHeaders, disclosure),
      responseBody: a.responseBody,
      durationMs: a.durationMs,
      errorKind: a.errorKind,
      errorMessage: redactUrlsIn(a.errorMessage, disclosure),
      startedAt: a.startedAt.toISOString(),
    })),
  };
}
