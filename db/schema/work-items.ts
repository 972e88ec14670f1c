import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  customType,
  index,
  integer,
  pgEnum,
  pgSequence,
  pgTable,
  text,
  timestamp,
} from "drizzle-orm/pg-core";
import { users } from "./auth";

export const WORK_ITEM_STATUSES = ["new", "in_progress", "waiting_parts", "resolved", "closed"] as const;
export type WorkItemStatus = (typeof WORK_ITEM_STATUSES)[number];

export const WORK_ITEM_PRIORITIES = ["normal", "express"] as const;
export type WorkItemPriority = (typeof WORK_ITEM_PRIORITIES)[number];

export const workItemStatus = pgEnum("work_item_status", WORK_ITEM_STATUSES);
export const workItemPriority = pgEnum("work_item_priority", WORK_ITEM_PRIORITIES);

/** The number behind RMA-000123: a sequence, so references never depend on counting rows. */
export const workItemNumberSeq = pgSequence("work_item_number_seq", { startWith: 1 });

export const workItems = pgTable(
  "work_items",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    reference: text("reference")
      .notNull()
      .unique("work_items_reference_key")
      .default(sql`'RMA-' || lpad(nextval('work_item_number_seq')::text, 6, '0')`),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    customerName: text("customer_name").notNull(),
    customerEmail: text("customer_email"),
    customerPhone: text("customer_phone"),
    device: text("device").notNull(),
    serialNumber: text("serial_number"),
    status: workItemStatus("status").notNull().default("new"),
    priority: workItemPriority("priority").notNull().default("normal"),
    priceCents: bigint("price_cents", { mode: "number" }),
    technicianId: text("technician_id").references(() => users.id, { onDelete: "set null" }),
    revision: integer("revision").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("work_items_status_idx").on(t.status),
    index("work_items_technician_idx").on(t.technicianId),
    index("work_items_updated_at_idx").on(t.updatedAt),
  ],
);

export type WorkItem = typeof workItems.$inferSelect;
export type NewWorkItem = typeof workItems.$inferInsert;

export const tasks = pgTable(
  "tasks",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    workItemId: integer("work_item_id")
      .notNull()
      .references(() => workItems.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    done: boolean("done").notNull().default(false),
    revision: integer("revision").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("tasks_work_item_idx").on(t.workItemId, t.id)],
);

export type Task = typeof tasks.$inferSelect;
export type NewTask = typeof tasks.$inferInsert;

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

/**
 * What the list's search reads: one row per work item, written by triggers (migration 0010) from the
 * item's reference, title, description, device, serial number, customer name, e-mail and phone and its
 * tasks' titles, accents folded, so every writer (a save, a task, the seed, a script) keeps it current.
 * A table of its own, not a column of work_items, so a work item's row, snapshot and webhook body stay as
 * they are.
 */
export const workItemSearch = pgTable(
  "work_item_search",
  {
    workItemId: integer("work_item_id")
      .primaryKey()
      .references(() => workItems.id, { onDelete: "cascade" }),
    document: tsvector("document").notNull(),
  },
  (t) => [index("work_item_search_document_idx").using("gin", t.document)],
);
