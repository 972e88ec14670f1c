import { sql } from "drizzle-orm";
import { bigint, check, index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Every manual or administrative act the audit log records; a new one fails the type check until it is labelled. */
export const AUDIT_ACTIONS = [
  "sync.resend",
  "syncs.recover",
  "integration.create",
  "integration.update",
  "integration.pause",
  "integration.resume",
  "integration.rotate_secret",
  "notice.acknowledge",
  "user.create",
  "user.role_change",
  "user.deactivate",
  "user.reactivate",
  "user.password_reset",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_TARGET_TYPES = ["sync", "integration", "user"] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];

export const AUDIT_OUTCOMES = ["succeeded", "refused"] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

const quoted = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(", "));

/**
 * Who did what to which object, and whether it happened. The actor's name is copied at the time, so a
 * renamed or deleted user still reads right; no foreign keys, so the log outlives what it names.
 * `details` never holds a secret or a password (server/audit/audit.ts strips known secret keys).
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    /** The user's id, or null for "system" (automatic acts). */
    actorId: text("actor_id"),
    actorName: text("actor_name").notNull(),
    action: text("action").$type<AuditAction>().notNull(),
    targetType: text("target_type").$type<AuditTargetType>().notNull(),
    targetId: text("target_id"),
    targetLabel: text("target_label").notNull(),
    outcome: text("outcome").$type<AuditOutcome>().notNull(),
    /** Why a refused act was refused, as the user was told. */
    message: text("message"),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    check("audit_log_action_check", sql`${t.action} in (${quoted(AUDIT_ACTIONS)})`),
    check("audit_log_target_type_check", sql`${t.targetType} in (${quoted(AUDIT_TARGET_TYPES)})`),
    check("audit_log_outcome_check", sql`${t.outcome} in (${quoted(AUDIT_OUTCOMES)})`),
    index("audit_log_at_idx").on(t.at.desc(), t.id.desc()),
    index("audit_log_action_at_idx").on(t.action, t.at.desc()),
    index("audit_log_actor_at_idx").on(t.actorId, t.at.desc()),
    index("audit_log_target_at_idx").on(t.targetType, t.targetId, t.at.desc()),
  ],
);

export type AuditEntry = typeof auditLog.$inferSelect;
export type NewAuditEntry = typeof auditLog.$inferInsert;
