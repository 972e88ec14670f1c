import { sql } from "drizzle-orm";
import { bigint, index, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { integrations } from "./integrations";

export const NOTICE_KINDS = ["integration_paused"] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/**
 * Something managers and admins must be told about (today: an integration paused automatically). The
 * row is the durable record behind the app's banner, the e-mail and the operational webhook. One
 * acknowledgement for everyone: the point is that someone has taken it on, and the row says who.
 */
export const notices = pgTable(
  "notices",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    kind: text("kind").$type<NoticeKind>().notNull(),
    integrationId: integer("integration_id").references(() => integrations.id, { onDelete: "cascade" }),
    text: text("text").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** When its event went to the engine (the 5-minute safety net sends the ones still unsent). */
    dispatchedAt: timestamp("dispatched_at", { withTimezone: true }),
    /** When the e-mail went out (a retried step does not send it twice). */
    emailedAt: timestamp("emailed_at", { withTimezone: true }),
    acknowledgedAt: timestamp("acknowledged_at", { withTimezone: true }),
    acknowledgedById: text("acknowledged_by_id").references(() => users.id, { onDelete: "set null" }),
    /** Kept as text: the name at the time, even after the user is gone. */
    acknowledgedByName: text("acknowledged_by_name"),
  },
  (t) => [
    index("notices_open_idx").on(t.createdAt.desc()).where(sql`${t.acknowledgedAt} is null`),
    index("notices_undispatched_idx").on(t.createdAt).where(sql`${t.dispatchedAt} is null`),
    index("notices_integration_idx").on(t.integrationId, t.createdAt.desc()),
  ],
);

export type Notice = typeof notices.$inferSelect;
