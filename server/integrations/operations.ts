import "server-only";
import { type Db, getDb } from "@/db/client";
import { inngest } from "@/inngest/client";
import { integrationResumed } from "@/inngest/events";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import type { OperationResult } from "@/lib/result";
import { listPendingSyncIds, requestDeliveries } from "@/server/deliveries/recovery";
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
 * returned once to the caller that created or rotated them, and never logged.
 */

export async function createIntegration(
  input: IntegrationInput,
  db: Db = getDb(),
): Promise<OperationResult<{ integration: IntegrationSummary; secret: string }>> {
  if (await getIntegrationByName(db, input.name)) {
    return { ok: false, message: `An integration named "${input.name}" already exists` };
  }
  const secret = generateSecret();
  const row = await insertIntegration(db, { ...input, secret });
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
): Promise<
  OperationResult<IntegrationSummary> | { ok: false; message: string; fieldErrors: Record<string, string[]> }
> {
  const current = await getIntegration(db, id);
  if (!current) return { ok: false, message: "This integration no longer exists" };
  const sameName = await getIntegrationByName(db, input.name);
  if (sameName && sameName.id !== id) {
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
    if (problem) return { ok: false, message: problem, fieldErrors: { headerValue: [problem] } };
  }
  // A null value with a header name keeps the stored (encrypted) one.
  const row = await updateIntegration(db, id, input);
  if (!row) return { ok: false, message: "This integration no longer exists" };
  return { ok: true, data: summarizeIntegration(row) };
}

export async function pauseIntegrationByAdmin(
  id: number,
  reason = "Paused by an admin",
  db: Db = getDb(),
): Promise<OperationResult<IntegrationSummary>> {
  const row = await setIntegrationActive(db, id, false, reason);
  if (!row) return { ok: false, message: "This integration no longer exists" };
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
  by: { id: string; name: string } | null = null,
): Promise<OperationResult<{ integration: IntegrationSummary; requested: number }>> {
  const row = await setIntegrationActive(db, id, true, null);
  if (!row) return { ok: false, message: "This integration no longer exists" };
  const pending = await listPendingSyncIds(db, id);
  const stamp = Date.now();
  await requestDeliveries(pending, "automatic", (syncId) => `sync-${syncId}-resume-${stamp}`);
  logger.info({ integrationId: id, requested: pending.length }, `Integration ${row.name} resumed`);
  if (opsWebhookEnabled()) {
    const resumedAt = new Date(stamp).toISOString();
    await inngest.send(
      integrationResumed.create(
        { integrationId: id, resumedAt, resumedBy: by, pending: pending.length },
        { id: `integration-resumed-${id}-${stamp}` },
      ),
    );
  }
  return { ok: true, data: { integration: summarizeIntegration(row), requested: pending.length } };
}

export async function rotateSecret(
  id: number,
  db: Db = getDb(),
): Promise<OperationResult<{ secret: string; previousValidUntil: Date }>> {
  const graceUntil = new Date(Date.now() + env().SECRET_ROTATION_GRACE_HOURS * 3_600_000);
  const secret = generateSecret();
  const row = await rotateIntegrationSecret(db, id, secret, graceUntil);
  if (!row) return { ok: false, message: "This integration no longer exists" };
  logger.info({ integrationId: id, graceUntil }, `Secret of integration ${row.name} rotated`);
  return { ok: true, data: { secret, previousValidUntil: graceUntil } };
}
