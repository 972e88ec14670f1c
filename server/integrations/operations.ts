import "server-only";
import { type Db, getDb } from "@/db/client";
import { inngest } from "@/inngest/client";
import { integrationResumed } from "@/inngest/events";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import type { OperationResult } from "@/lib/result";
import { type AuditActor, type AuditRecord, recordAudit, SYSTEM_ACTOR } from "@/server/audit/audit";
import { listPendingLineHeads, listPendingSyncIds, requestDeliveries } from "@/server/deliveries/recovery";
import { generateSecret } from "@/server/deliveries/sign";
import { opsWebhookEnabled } from "@/server/notifications/ops-webhook";
import {
  getIntegration,
  getIntegrationByName,
  type IntegrationSummary,
  insertIntegration,
  rotateIntegrationSecret,
  setIntegrationActive,
  summarizeIntegration,
  updateIntegration,
} from "./integrations";
import type { IntegrationInput } from "./validation";

/**
 * Integration operations shared by the admin pages and the tests. Secrets are generated here,
 * returned once to the caller that created or rotated them, and never logged. Each one writes an audit
 * entry (in the act's transaction when it succeeds, on its own when refused); `actor` defaults to the system.
 */

const integrationTarget = (id: number | null, name: string): AuditRecord["target"] => ({
  type: "integration",
  id,
  label: `integration ${name}`,
});

function refused(
  db: Db,
  actor: AuditActor,
  action: AuditRecord["action"],
  target: AuditRecord["target"],
  message: string,
): Promise<void> {
  return recordAudit(db, { actor, action, target, outcome: "refused", message });
}

const GONE = "This integration no longer exists";

async function goneTarget(db: Db, id: number) {
  return integrationTarget(id, (await getIntegration(db, id))?.name ?? String(id));
}

export async function createIntegration(
  input: IntegrationInput,
  db: Db = getDb(),
  actor: AuditActor = SYSTEM_ACTOR,
): Promise<OperationResult<{ integration: IntegrationSummary; secret: string }>> {
  if (await getIntegrationByName(db, input.name)) {
    const message = `An integration named "${input.name}" already exists`;
    await refused(db, actor, "integration.create", integrationTarget(null, input.name), message);
    return { ok: false, message };
  }
  const secret = generateSecret();
  const row = await db.transaction(async (tx) => {
    const inserted = await insertIntegration(tx, { ...input, secret });
    await recordAudit(tx, {
      actor,
      action: "integration.create",
      target: integrationTarget(inserted.id, inserted.name),
      outcome: "succeeded",
      details: { eventTypes: inserted.eventTypes, customHeader: inserted.headerName },
    });
    return inserted;
  });
  logger.info({ integrationId: row.id }, `Integration ${row.name} created`);
  return { ok: true, data: { integration: summarizeIntegration(row), secret } };
}

export const HEADER_VALUE_AGAIN_MESSAGE =
  "The URL changed: enter the header's value again (it is not sent to a new address unasked)";

/**
 * An empty header value keeps the stored one (the form never shows it back), unless the URL changed:
 * a stored credential is never sent to a new address without the admin typing it again.
 */
export async function editIntegration(
  id: number,
  input: IntegrationInput,
  db: Db = getDb(),
  actor: AuditActor = SYSTEM_ACTOR,
): Promise<
  OperationResult<IntegrationSummary> | { ok: false; message: string; fieldErrors: Record<string, string[]> }
> {
  const current = await getIntegration(db, id);
  if (!current) {
    await refused(db, actor, "integration.update", integrationTarget(id, String(id)), GONE);
    return { ok: false, message: GONE };
  }
  const target = integrationTarget(id, current.name);
  const sameName = await getIntegrationByName(db, input.name);
  if (sameName && sameName.id !== id) {
    await refused(
      db,
      actor,
      "integration.update",
      target,
      `An integration named "${input.name}" already exists`,
    );
    return {
      ok: false,
      message: `An integration named "${input.name}" already exists`,
      fieldErrors: { name: [`An integration named "${input.name}" already exists`] },
    };
  }
  if (input.headerName && !input.headerValue) {
    const problem = !current.headerValue
      ? "Enter the header's value"
      : current.url !== input.url
        ? HEADER_VALUE_AGAIN_MESSAGE
        : null;
    if (problem) {
      await refused(db, actor, "integration.update", target, problem);
      return { ok: false, message: problem, fieldErrors: { headerValue: [problem] } };
    }
  }
  // Which fields changed, never their values (a URL or header value may carry a credential).
  const changed = [
    input.name !== current.name && "name",
    input.url !== current.url && "url",
    JSON.stringify([...input.eventTypes].sort()) !== JSON.stringify([...current.eventTypes].sort()) &&
      "eventTypes",
    input.headerName !== current.headerName && "headerName",
    Boolean(input.headerValue) && "headerValue",
  ].filter((f): f is string => Boolean(f));
  // A null value with a header name keeps the stored (encrypted) one.
  const row = await db.transaction(async (tx) => {
    const updated = await updateIntegration(tx, id, input);
    if (updated) {
      await recordAudit(tx, {
        actor,
        action: "integration.update",
        target: integrationTarget(id, updated.name),
        outcome: "succeeded",
        details: { changed, ...(input.name !== current.name ? { previousName: current.name } : {}) },
      });
    }
    return updated;
  });
  if (!row) {
    await refused(db, actor, "integration.update", target, GONE);
    return { ok: false, message: GONE };
  }
  return { ok: true, data: summarizeIntegration(row) };
}

export async function pauseIntegrationByAdmin(
  id: number,
  reason = "Paused by an admin",
  db: Db = getDb(),
  actor: AuditActor = SYSTEM_ACTOR,
): Promise<OperationResult<IntegrationSummary>> {
  const row = await db.transaction(async (tx) => {
    const paused = await setIntegrationActive(tx, id, false, reason);
    if (paused) {
      await recordAudit(tx, {
        actor,
        action: "integration.pause",
        target: integrationTarget(id, paused.name),
        outcome: "succeeded",
        details: { reason },
      });
    }
    return paused;
  });
  if (!row) {
    await refused(db, actor, "integration.pause", await goneTarget(db, id), GONE);
    return { ok: false, message: GONE };
  }
  logger.info({ integrationId: id }, `Integration ${row.name} paused`);
  return { ok: true, data: summarizeIntegration(row) };
}

/**
 * Resuming delivers everything that waited, oldest first, and (with an operational webhook) sends
 * `integration.resumed`.
 */
export async function resumeIntegration(
  id: number,
  db: Db = getDb(),
  actor: AuditActor = SYSTEM_ACTOR,
): Promise<OperationResult<{ integration: IntegrationSummary; waiting: number; requested: number }>> {
  const resumed = await db.transaction(async (tx) => {
    const updated = await setIntegrationActive(tx, id, true, null);
    if (!updated) return undefined;
    const waiting = await listPendingSyncIds(tx, id);
    const heads = await listPendingLineHeads(tx, id);
    await recordAudit(tx, {
      actor,
      action: "integration.resume",
      target: integrationTarget(id, updated.name),
      outcome: "succeeded",
      details: { waiting: waiting.length },
    });
    return { row: updated, pending: waiting, heads };
  });
  if (!resumed) {
    await refused(db, actor, "integration.resume", await goneTarget(db, id), GONE);
    return { ok: false, message: GONE };
  }
  const { row, pending, heads } = resumed;
  const stamp = Date.now();
  // One run per object's line: each goes on down its line in revision order.
  await requestDeliveries(heads, "automatic", (syncId) => `sync-${syncId}-resume-${stamp}`);
  logger.info(
    { integrationId: id, waiting: pending.length, requested: heads.length },
    `Integration ${row.name} resumed`,
  );
  if (opsWebhookEnabled()) {
    const resumedAt = new Date(stamp).toISOString();
    await inngest.send(
      integrationResumed.create(
        {
          integrationId: id,
          resumedAt,
          resumedBy: actor === "system" ? null : actor,
          pending: pending.length,
        },
        { id: `integration-resumed-${id}-${stamp}` },
      ),
    );
  }
  return {
    ok: true,
    data: { integration: summarizeIntegration(row), waiting: pending.length, requested: heads.length },
  };
}

export async function rotateSecret(
  id: number,
  db: Db = getDb(),
  actor: AuditActor = SYSTEM_ACTOR,
): Promise<OperationResult<{ secret: string; previousValidUntil: Date }>> {
  const graceUntil = new Date(Date.now() + env().SECRET_ROTATION_GRACE_HOURS * 3_600_000);
  const secret = generateSecret();
  const row = await db.transaction(async (tx) => {
    const rotated = await rotateIntegrationSecret(tx, id, secret, graceUntil);
    if (rotated) {
      await recordAudit(tx, {
        actor,
        action: "integration.rotate_secret",
        target: integrationTarget(id, rotated.name),
        outcome: "succeeded",
        details: { previousValidUntil: graceUntil.toISOString() },
      });
    }
    return rotated;
  });
  if (!row) {
    await refused(db, actor, "integration.rotate_secret", await goneTarget(db, id), GONE);
    return { ok: false, message: GONE };
  }
  logger.info({ integrationId: id, graceUntil }, `Secret of integration ${row.name} rotated`);
  return { ok: true, data: { secret, previousValidUntil: graceUntil } };
}
