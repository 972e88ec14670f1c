import "server-only";
import { and, count, desc, eq, ilike, isNull, or, type SQL, sql } from "drizzle-orm";
import { type Db, getDb } from "@/db/client";
import { type AuditAction, type AuditOutcome, type AuditTargetType, auditLog } from "@/db/schema";
import { logger } from "@/lib/logger";
import { AUDIT_PAGE_SIZE, type AuditParams, DEFAULT_AUDIT_PARAMS } from "./params";

/** Who did it: a signed-in user (id + name at the time), or the system for automatic acts. */
export type AuditActor = { id: string; name: string } | "system";
export const SYSTEM_ACTOR: AuditActor = "system";
const SYSTEM_NAME = "System";

type AuditTarget = { type: AuditTargetType; id: string | number | null; label: string };

export type AuditRecord = {
  actor: AuditActor;
  action: AuditAction;
  target: AuditTarget;
  /** The act happened, or was refused with `message` (what the user was told). */
  outcome: AuditOutcome;
  message?: string;
  details?: Record<string, unknown>;
};

/** Keys that never go into the log, whatever a caller passes (secrets, passwords, header values). */
const SECRET_KEY = /secret|password|token|header_?value|authorization|key$/i;

function withoutSecrets(details: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(details)
      .filter(([key]) => !SECRET_KEY.test(key))
      .map(([key, value]) => [
        key,
        value && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date)
          ? withoutSecrets(value as Record<string, unknown>)
          : value,
      ]),
  );
}

/**
 * Writes one audit row. Pass the act's transaction where the act is one, so both commit or neither;
 * otherwise call it right after. A failure is logged with the act and thrown, never swallowed.
 */
export async function recordAudit(db: Db, entry: AuditRecord): Promise<void> {
  const actor = entry.actor === "system" ? { id: null, name: SYSTEM_NAME } : entry.actor;
  try {
    await db.insert(auditLog).values({
      actorId: actor.id,
      actorName: actor.name,
      action: entry.action,
      targetType: entry.target.type,
      targetId: entry.target.id === null ? null : String(entry.target.id),
      targetLabel: entry.target.label,
      outcome: entry.outcome,
      message: entry.message ?? null,
      details: withoutSecrets(entry.details ?? {}),
    });
  } catch (error) {
    logger.error(
      { err: error, action: entry.action, target: entry.target, actorId: actor.id, outcome: entry.outcome },
      "Audit entry could not be written",
    );
    throw error;
  }
}

export type AuditRow = {
  id: number;
  at: string;
  actorId: string | null;
  actorName: string;
  action: AuditAction;
  targetType: AuditTargetType;
  targetId: string | null;
  targetLabel: string;
  outcome: AuditOutcome;
  message: string | null;
  details: Record<string, unknown>;
};

function conditions(p: AuditParams): SQL[] {
  const where: SQL[] = [];
  if (p.action) where.push(eq(auditLog.action, p.action));
  if (p.actor) where.push(p.actor === "system" ? isNull(auditLog.actorId) : eq(auditLog.actorId, p.actor));
  if (p.targetType) where.push(eq(auditLog.targetType, p.targetType));
  if (p.target) {
    const escaped = p.target.replace(/[\\%_]/g, (c) => `\\${c}`);
    const match = or(eq(auditLog.targetId, p.target), ilike(auditLog.targetLabel, `%${escaped}%`));
    if (match) where.push(match);
  }
  if (p.from) where.push(sql`${auditLog.at} >= ${p.from}::date`);
  if (p.to) where.push(sql`${auditLog.at} < ${p.to}::date + 1`);
  return where;
}

/** Newest first, a page of AUDIT_PAGE_SIZE; `hasMore` says whether a next page exists. */
export async function listAuditEntries(
  db: Db = getDb(),
  params: Partial<AuditParams> = {},
  pageSize = AUDIT_PAGE_SIZE,
): Promise<{ rows: AuditRow[]; hasMore: boolean; total: number }> {
  const p = { ...DEFAULT_AUDIT_PARAMS, ...params };
  const where = conditions(p);
  const filter = where.length ? and(...where) : undefined;
  const [rows, [counted]] = await Promise.all([
    db
      .select()
      .from(auditLog)
      .where(filter)
      .orderBy(desc(auditLog.at), desc(auditLog.id))
      .limit(pageSize + 1)
      .offset((Math.max(1, p.page) - 1) * pageSize),
    db.select({ n: count() }).from(auditLog).where(filter),
  ]);
  return {
    rows: rows.slice(0, pageSize).map((r) => ({ ...r, at: r.at.toISOString() })),
    hasMore: rows.length > pageSize,
    total: Number(counted?.n ?? 0),
  };
}

/** The recent entries about one object, for its page. */
export async function listAuditEntriesFor(
  db: Db,
  targetType: AuditTargetType,
  targetId: string | number,
  limit = 10,
): Promise<AuditRow[]> {
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.targetType, targetType), eq(auditLog.targetId, String(targetId))))
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(limit);
  return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
}

/** The people who appear in the log, for the actor filter. */
export async function listAuditActors(db: Db = getDb()): Promise<{ id: string; name: string }[]> {
  const rows = await db
    .selectDistinctOn([auditLog.actorId], { id: auditLog.actorId, name: auditLog.actorName })
    .from(auditLog)
    .orderBy(auditLog.actorId, desc(auditLog.at));
  return rows
    .map((r) => ({ id: r.id ?? "system", name: r.id ? r.name : SYSTEM_NAME }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
