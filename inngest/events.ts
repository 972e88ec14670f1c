import { eventType } from "inngest";
import { z } from "zod";
import { CHANGE_EVENT_TYPES, type ChangeEventType, SUBJECT_TYPES } from "@/db/schema";

/** What every change event carries to Inngest; the full change (diff, snapshot) stays in the outbox row. */
const changeEventData = z.object({
  changeEventId: z.string().min(1),
  eventType: z.enum(CHANGE_EVENT_TYPES),
  workItemId: z.number().int().positive(),
  reference: z.string().min(1),
  subjectType: z.enum(SUBJECT_TYPES),
  subjectId: z.number().int().positive(),
  revision: z.number().int().positive(),
});
export type ChangeEventData = z.infer<typeof changeEventData>;

/** The Inngest event name of each change event type. */
export const CHANGE_EVENT_NAMES = {
  workitem_created: "repairs/workitem.created",
  workitem_updated: "repairs/workitem.updated",
  workitem_status_changed: "repairs/workitem.status_changed",
  task_created: "repairs/task.created",
  task_updated: "repairs/task.updated",
} as const satisfies Record<ChangeEventType, string>;

export const workItemCreated = eventType(CHANGE_EVENT_NAMES.workitem_created, { schema: changeEventData });
export const workItemUpdated = eventType(CHANGE_EVENT_NAMES.workitem_updated, { schema: changeEventData });
export const workItemStatusChanged = eventType(CHANGE_EVENT_NAMES.workitem_status_changed, {
  schema: changeEventData,
});
export const taskCreated = eventType(CHANGE_EVENT_NAMES.task_created, { schema: changeEventData });
export const taskUpdated = eventType(CHANGE_EVENT_NAMES.task_updated, { schema: changeEventData });

/**
 * Change events committed together (what one process committed while its previous send was on the
 * wire): one fan-out run makes all their syncs and first tries, so a busy shop's saves share round
 * trips. The per-type events above still trigger the same fan-out (an app or test may send them).
 */
export const CHANGES_PER_EVENT = 100;
export const changesCommitted = eventType("repairs/changes.committed", {
  schema: z.object({ changes: z.array(changeEventData).min(1).max(CHANGES_PER_EVENT) }),
});

const deliveryRequestedData = z.object({
  syncId: z.number().int().positive(),
  trigger: z.enum(["automatic", "manual"]),
  /** Not before this time (ISO 8601): after a failed first try, the receiver's Retry-After or the first backoff step. */
  notBefore: z.string().datetime().optional(),
});
/** One delivery of one sync row. Manual resends carry trigger "manual". */
export const deliveryRequested = eventType("webhooks/delivery.requested", { schema: deliveryRequestedData });

/** Asks the outbox function to re-send undispatched change events now (it also runs every minute). */
export const outboxFlushRequested = eventType("webhooks/outbox.flush_requested", {
  schema: z.object({ reason: z.string().optional() }),
});

/** Asks the recovery function to look for lost fan-outs and deliveries now (it also runs every 5 minutes). */
export const recoveryRequested = eventType("webhooks/recovery.requested", {
  schema: z.object({ reason: z.string().optional() }),
});

/** Asks the retention function to prune now (it also runs nightly). */
export const retentionRequested = eventType("webhooks/retention.requested", {
  schema: z.object({ reason: z.string().optional() }),
});

/**
 * A manager's "recover failed" for one integration: its failed syncs created in [since, until] are
 * reopened and sent again one at a time, in change-event order (server/deliveries/recovery.ts).
 */
export const failedRecoveryRequested = eventType("webhooks/failed-recovery.requested", {
  schema: z.object({
    integrationId: z.number().int().positive(),
    since: z.string().datetime({ offset: true }),
    until: z.string().datetime({ offset: true }),
  }),
});

/**
 * A notice was written (server/notifications/notices.ts): an integration was paused automatically.
 * Starts the e-mail to managers and admins and the operational webhook, each a function of its own,
 * so one failing never holds up the other or the delivery that paused.
 */
export const integrationPaused = eventType("notifications/integration.paused", {
  schema: z.object({
    noticeId: z.number().int().positive(),
    integrationId: z.number().int().positive().nullable(),
  }),
});
export type IntegrationPausedEvent = ReturnType<typeof integrationPaused.create>;

/** An admin resumed an integration (only sent when OPS_WEBHOOK_URL is set: nothing else listens). */
export const integrationResumed = eventType("notifications/integration.resumed", {
  schema: z.object({
    integrationId: z.number().int().positive(),
    resumedAt: z.string().datetime({ offset: true }),
    resumedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
    /** Syncs that waited and are being delivered now. */
    pending: z.number().int().min(0),
  }),
});

/** A sync was given up (failed for good); only sent when OPS_WEBHOOK_URL is set. */
export const deliveryFailed = eventType("notifications/delivery.failed", {
  schema: z.object({
    syncId: z.number().int().positive(),
    integrationId: z.number().int().positive(),
    /** The sync's attempts when it failed: with the sync id, what names this failure (a recovered sync may fail again). */
    attempts: z.number().int().min(0),
    error: z.string(),
  }),
});
export type DeliveryFailedEvent = ReturnType<typeof deliveryFailed.create>;
