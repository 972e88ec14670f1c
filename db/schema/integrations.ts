import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { type ChangeEventType, changeEvents, changeEventType, subjectType } from "./change-events";
import { workItems } from "./work-items";

export const integrations = pgTable("integrations", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  name: text("name").notNull().unique("integrations_name_key"),
  url: text("url").notNull(),
  eventTypes: jsonb("event_types").$type<ChangeEventType[]>().notNull(),
  /** Standard Webhooks secret (`whsec_…`); shown to the admin once, never logged. */
  secret: text("secret").notNull(),
  /** The secret before the last rotation; it still signs until `previousSecretExpiresAt`. */
  previousSecret: text("previous_secret"),
  previousSecretExpiresAt: timestamp("previous_secret_expires_at", { withTimezone: true }),
  /** Optional extra header, e.g. n8n Header Auth. The value is a secret too. */
  headerName: text("header_name"),
  headerValue: text("header_value"),
  active: boolean("active").notNull().default(true),
  pausedReason: text("paused_reason"),
  pausedAt: timestamp("paused_at", { withTimezone: true }),
  /**
   * Health from attempts, moved by every recorded attempt (attempt.ts recordAttempt): failed attempts
   * since the last successful one, when that streak began, and the last success and failure.
   */
  failedAttemptsInARow: integer("failed_attempts_in_a_row").notNull().default(0),
  failingSince: timestamp("failing_since", { withTimezone: true }),
  lastSuccessAt: timestamp("last_success_at", { withTimezone: true }),
  lastFailureAt: timestamp("last_failure_at", { withTimezone: true }),
  lastFailureStatus: integer("last_failure_status"),
  lastFailureError: text("last_failure_error"),
  /**
   * The same streak counted towards an automatic pause (server/integrations/auto-pause.ts): moved with
   * the health columns, and also cleared by a resume, so a resumed integration gets a full allowance again.
   */
  autoPauseStreak: integer("auto_pause_streak").notNull().default(0),
  autoPauseStreakSince: timestamp("auto_pause_streak_since", { withTimezone: true }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type Integration = typeof integrations.$inferSelect;
export type NewIntegration = typeof integrations.$inferInsert;

export const SYNC_STATUSES = ["pending", "synced", "failed"] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];
export const syncStatus = pgEnum("sync_status", SYNC_STATUSES);

export const ATTEMPT_TRIGGERS = ["automatic", "manual"] as const;
export type AttemptTrigger = (typeof ATTEMPT_TRIGGERS)[number];
export const attemptTrigger = pgEnum("attempt_trigger", ATTEMPT_TRIGGERS);

export const ERROR_KINDS = ["timeout", "dns", "refused", "reset", "tls", "http", "ssrf", "redirect"] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/**
 * One row per delivery of one change event to one integration. There is deliberately NO unique
 * constraint over (integration, object, event type): every update adds a row. Only creation
 * syncs are unique, through a partial index; retention keeps them (see `prunedAt`).
 */
export const integrationSyncs = pgTable(
  "integration_syncs",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    integrationId: integer("integration_id")
      .notNull()
      .references(() => integrations.id, { onDelete: "cascade" }),
    subjectType: subjectType("subject_type").notNull(),
    subjectId: integer("subject_id").notNull(),
    workItemId: integer("work_item_id")
      .notNull()
      .references(() => workItems.id, { onDelete: "cascade" }),
    changeEventId: text("change_event_id")
      .notNull()
      .references(() => changeEvents.id, { onDelete: "cascade" }),
    eventType: changeEventType("event_type").notNull(),
    revision: integer("revision").notNull(),
    status: syncStatus("status").notNull().default("pending"),
    /** Standard Webhooks `webhook-id`: stable across retries and manual resends. */
    webhookId: text("webhook_id").notNull(),
    attemptCount: integer("attempt_count").notNull().default(0),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    lastDurationMs: integer("last_duration_ms"),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    /**
     * A lease on the sync while one run POSTs it (the Inngest run id), so two runs never post the same
     * sync at once; the holder's own retry may take it again, anyone else waits for it to end.
     */
    leaseHolder: text("lease_holder"),
    leaseExpiresAt: timestamp("lease_expires_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp("completed_at", { withTimezone: true }),
    /**
     * Set when retention purged a synced creation sync's payload and attempts: the row stays as the
     * ledger that creation was delivered (the partial unique index needs it forever); it is never resent.
     */
    prunedAt: timestamp("pruned_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("integration_syncs_creation_once_idx")
      .on(t.integrationId, t.subjectType, t.subjectId, t.eventType)
      .where(sql`${t.eventType} in ('workitem_created', 'task_created')`),
    index("integration_syncs_work_item_created_idx").on(t.workItemId, t.createdAt.desc()),
    /** A change event reaches each integration once: makes a retried fan-out step harmless. */
    uniqueIndex("integration_syncs_change_event_integration_idx").on(t.changeEventId, t.integrationId),
    index("integration_syncs_ordering_idx").on(t.integrationId, t.subjectType, t.subjectId, t.revision),
    index("integration_syncs_status_created_idx").on(t.status, t.createdAt.desc()),
    index("integration_syncs_integration_created_idx").on(t.integrationId, t.createdAt.desc()),
    index("integration_syncs_created_idx").on(t.createdAt.desc()),
  ],
);

export type IntegrationSync = typeof integrationSyncs.$inferSelect;
export type NewIntegrationSync = typeof integrationSyncs.$inferInsert;

export const syncAttempts = pgTable(
  "sync_attempts",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    syncId: bigint("sync_id", { mode: "number" })
      .notNull()
      .references(() => integrationSyncs.id, { onDelete: "cascade" }),
    number: integer("number").notNull(),
    trigger: attemptTrigger("trigger").notNull().default("automatic"),
    requestUrl: text("request_url").notNull(),
    requestHeaders: jsonb("request_headers").$type<Record<string, string>>().notNull(),
    responseStatus: integer("response_status"),
    responseHeaders: jsonb("response_headers").$type<Record<string, string>>(),
    responseBody: text("response_body"),
    durationMs: integer("duration_ms").notNull(),
    errorKind: text("error_kind").$type<ErrorKind>(),
    errorMessage: text("error_message"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("sync_attempts_sync_idx").on(t.syncId, t.number)],
);

export type SyncAttempt = typeof syncAttempts.$inferSelect;
export type NewSyncAttempt = typeof syncAttempts.$inferInsert;
