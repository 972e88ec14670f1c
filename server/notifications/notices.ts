import "server-only";
import { and, desc, eq, isNull, lt, sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";
import { auditLog, integrations, notices } from "@/db/schema";
import { type IntegrationPausedEvent, integrationPaused } from "@/inngest/events";
import { recordAudit } from "@/server/audit/audit";

/**
 * Notices: the durable record that managers and admins must be told something (an integration paused
 * automatically), behind the app's banner, the e-mail and the operational webhook.
 */

export type PauseOutcome =
  /** This call paused the integration and wrote its notice; `event` tells the notify functions. */
  | { paused: true; reason: string; noticeId: number; event: IntegrationPausedEvent }
  /** It was paused already (an admin, another attempt, a 410): its reason stands, nobody is told twice. */
  | { paused: false; reason: string };

/** The event that starts the notify functions for a notice; its id is the notice's, so a re-send is dropped. */
function noticeEvent(noticeId: number, integrationId: number | null): IntegrationPausedEvent {
  return integrationPaused.create({ noticeId, integrationId }, { id: `notice-${noticeId}` });
}

/**
 * Pauses an active integration and writes its notice in one statement (compare-and-set on `active`):
 * of two attempts, an admin's pause and a 410 racing each other, only the first pauses, and only a
 * pause made here writes a notice, so nobody is told twice. Returns the reason it is paused for.
 */
export async function pauseAutomatically(
  db: Db,
  integrationId: number,
  reason: string,
): Promise<PauseOutcome> {
  const result = await db.execute(sql`
    with paused as (
      update ${integrations} set active = false, paused_reason = ${reason}::text, paused_at = now(),
        updated_at = now()
      where id = ${integrationId}::int and active
      returning id, name
    ), audited as (
      -- The audit log's entry for the same act, in the same statement (server/audit/audit.ts for the rest).
      insert into ${auditLog} (actor_name, action, target_type, target_id, target_label, outcome, details)
      select 'System', 'integration.pause', 'integration', id::text, 'integration ' || name, 'succeeded',
        jsonb_build_object('reason', ${reason}::text, 'automatic', true)
      from paused
    )
    insert into ${notices} (kind, integration_id, text)
    select 'integration_paused', id, ${reason}::text from paused
    returning id`);
  const [row] = rowsOf<{ id: number | string }>(result);
  if (row) {
    const noticeId = Number(row.id);
    return { paused: true, reason, noticeId, event: noticeEvent(noticeId, integrationId) };
  }
  const [current] = await db
    .select({ reason: integrations.pausedReason })
    .from(integrations)
    .where(eq(integrations.id, integrationId));
  return { paused: false, reason: current?.reason ?? reason };
}

type OpenNotice = {
  id: number;
  kind: "integration_paused";
  text: string;
  createdAt: Date;
  integration: { id: number; name: string; active: boolean } | null;
};

/** Notices nobody has acknowledged yet, newest first (the banner shows them). */
export async function listOpenNotices(db: Db, limit = 5): Promise<OpenNotice[]> {
  const rows = await db
    .select({
      id: notices.id,
      kind: notices.kind,
      text: notices.text,
      createdAt: notices.createdAt,
      integrationId: integrations.id,
      integrationName: integrations.name,
      integrationActive: integrations.active,
    })
    .from(notices)
    .leftJoin(integrations, eq(integrations.id, notices.integrationId))
    .where(isNull(notices.acknowledgedAt))
    .orderBy(desc(notices.createdAt), desc(notices.id))
    .limit(limit);
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    text: r.text,
    createdAt: r.createdAt,
    integration:
      r.integrationId === null || r.integrationName === null
        ? null
        : { id: r.integrationId, name: r.integrationName, active: r.integrationActive ?? false },
  }));
}

/** The latest notices of one integration (its page says who acknowledged them). */
export async function listIntegrationNotices(db: Db, integrationId: number, limit = 5) {
  return db
    .select()
    .from(notices)
    .where(eq(notices.integrationId, integrationId))
    .orderBy(desc(notices.createdAt), desc(notices.id))
    .limit(limit);
}

/** Acknowledges for everyone; an already acknowledged notice keeps its first acknowledgement. */
export async function acknowledgeNotice(
  db: Db,
  id: number,
  by: { id: string; name: string },
): Promise<"acknowledged" | "already" | "missing"> {
  const acknowledged = await db.transaction(async (tx) => {
    const [updated] = await tx
      .update(notices)
      .set({ acknowledgedAt: sql`now()`, acknowledgedById: by.id, acknowledgedByName: by.name })
      .where(and(eq(notices.id, id), isNull(notices.acknowledgedAt)))
      .returning({ integrationId: notices.integrationId, text: notices.text });
    if (!updated) return false;
    const [integration] = updated.integrationId
      ? await tx
          .select({ name: integrations.name })
          .from(integrations)
          .where(eq(integrations.id, updated.integrationId))
      : [];
    await recordAudit(tx, {
      actor: by,
      action: "notice.acknowledge",
      target: {
        type: "integration",
        id: updated.integrationId,
        label: `integration ${integration?.name ?? updated.integrationId ?? "(deleted)"}`,
      },
      outcome: "succeeded",
      details: { noticeId: id, notice: updated.text },
    });
    return true;
  });
  if (acknowledged) return "acknowledged";
  const [row] = await db.select({ id: notices.id }).from(notices).where(eq(notices.id, id));
  return row ? "already" : "missing";
}

export async function getNotice(db: Db, id: number) {
  const [row] = await db
    .select({ notice: notices, integration: integrations })
    .from(notices)
    .leftJoin(integrations, eq(integrations.id, notices.integrationId))
    .where(eq(notices.id, id));
  return row;
}

/** The notify function has the notice: the safety net need not send it again. */
export async function markNoticeReceived(db: Db, id: number): Promise<void> {
  await db
    .update(notices)
    .set({ dispatchedAt: sql`now()` })
    .where(and(eq(notices.id, id), isNull(notices.dispatchedAt)));
}

export async function markNoticeEmailed(db: Db, id: number): Promise<void> {
  await db.update(notices).set({ emailedAt: sql`now()` }).where(eq(notices.id, id));
}

/**
 * The events of notices no notify function has received within `seconds` (the step that paused
 * crashed before its event went out): the recovery cron sends them again under the same ids.
 */
export async function undispatchedNoticeEvents(db: Db, seconds = 120): Promise<IntegrationPausedEvent[]> {
  const rows = await db
    .select({ id: notices.id, integrationId: notices.integrationId })
    .from(notices)
    .where(
      and(
        isNull(notices.dispatchedAt),
        lt(notices.createdAt, sql`now() - make_interval(secs => ${seconds})`),
      ),
    )
    .orderBy(notices.id)
    .limit(100);
  return rows.map((r) => noticeEvent(r.id, r.integrationId));
}
