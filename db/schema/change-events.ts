import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgEnum, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { workItems } from "./work-items";

export const CHANGE_EVENT_TYPES = [
  "workitem_created",
  "workitem_updated",
  "workitem_status_changed",
  "task_created",
  "task_updated",
] as const;
export type ChangeEventType = (typeof CHANGE_EVENT_TYPES)[number];

/** Creation events are delivered once per object and integration, forever. */
export const CREATION_EVENT_TYPES = ["workitem_created", "task_created"] as const satisfies ChangeEventType[];

export const SUBJECT_TYPES = ["workitem", "task"] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

export const changeEventType = pgEnum("change_event_type", CHANGE_EVENT_TYPES);
export const subjectType = pgEnum("subject_type", SUBJECT_TYPES);

export type FieldChanges = Record<string, { from: unknown; to: unknown }>;

/**
 * The outbox: written in the same transaction as the change it records. Its id is the Inngest
 * event id (creation events use a deterministic id per object, so a re-send is dropped).
 */
export const changeEvents = pgTable(
  "change_events",
  {
    id: text("id").primaryKey(),
    eventType: changeEventType("event_type").notNull(),
    subjectType: subjectType("subject_type").notNull(),
    subjectId: integer("subject_id").notNull(),
    workItemId: integer("work_item_id")
      .notNull()
      .references(() => workItems.id, { onDelete: "cascade" }),
    revision: integer("revision").notNull(),
    changes: jsonb("changes").$type<FieldChanges>().notNull().default({}),
    snapshot: jsonb("snapshot").$type<Record<string, unknown>>().notNull(),
    actorId: text("actor_id"),
    actorName: text("actor_name"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    dispatchedAt: timestamp("dispatched_at", { withTimezone: true }),
  },
  (t) => [
    index("change_events_work_item_created_idx").on(t.workItemId, t.createdAt.desc()),
    /**
     * The item's latest change by revision (the page header's "Updated … by"), read backward: ascending
     * on purpose, since drizzle's `.desc()` is DESC NULLS LAST and would not serve `order by revision desc`.
     */
    index("change_events_work_item_revision_idx").on(t.workItemId, t.subjectType, t.revision, t.createdAt),
    /**
     * An object's recent change events, for the ordering check before every delivery try (ordering.ts):
     * those of the last hour, whatever the object's history.
     */
    index("change_events_subject_created_idx").on(t.subjectType, t.subjectId, t.createdAt),
    index("change_events_undispatched_idx").on(t.createdAt).where(sql`${t.dispatchedAt} is null`),
  ],
);

export type ChangeEvent = typeof changeEvents.$inferSelect;
export type NewChangeEvent = typeof changeEvents.$inferInsert;
