import { type Db, getDb } from "@/db/client";
import { inngest } from "@/inngest/client";
import { deliveryRequested } from "@/inngest/events";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { extraHeaders, signingSecrets, webhookDispatcher } from "@/server/deliveries/attempt";
import { type DeliveryResult, deliverWebhook } from "@/server/deliveries/http";
import { buildWebhookBody } from "@/server/deliveries/payload";
import { generateSecret, signWebhook } from "@/server/deliveries/sign";
import { listFailedSyncIdsSince, listPendingSyncIds, reopenSync } from "@/server/deliveries/syncs";
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
import { hintFor } from "./n8n-hints";
import type { IntegrationInput } from "./validation";

/**
 * Integration operations shared by the admin pages and the tests. Secrets are generated here,
 * returned once to the caller that created or rotated them, and never logged.
 */

export type OperationResult<T> = { ok: true; data: T } | { ok: false; message: string };

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

export async function editIntegration(
  id: number,
  input: IntegrationInput,
  db: Db = getDb(),
): Promise<OperationResult<IntegrationSummary>> {
  const sameName = await getIntegrationByName(db, input.name);
  if (sameName && sameName.id !== id) {
    return { ok: false, message: `An integration named "${input.name}" already exists` };
  }
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

/** Resuming delivers everything that waited, oldest first. */
export async function resumeIntegration(
  id: number,
  db: Db = getDb(),
): Promise<OperationResult<{ integration: IntegrationSummary; requested: number }>> {
  const row = await setIntegrationActive(db, id, true, null);
  if (!row) return { ok: false, message: "This integration no longer exists" };
  const pending = await listPendingSyncIds(db, id);
  const stamp = Date.now();
  await requestDeliveries(pending, "automatic", (syncId) => `sync-${syncId}-resume-${stamp}`);
  logger.info({ integrationId: id, requested: pending.length }, `Integration ${row.name} resumed`);
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

/** A manual resend: the same sync and webhook-id, a new attempt marked "manual". */
export async function resendSync(
  syncId: number,
  db: Db = getDb(),
): Promise<OperationResult<{ syncId: number }>> {
  const reopened = await reopenSync(db, syncId);
  if (!reopened) return { ok: false, message: "Only a synced, failed or skipped delivery can be resent" };
  await requestDeliveries([syncId], "manual", (id) => `sync-${id}-resend-${Date.now()}`);
  return { ok: true, data: { syncId } };
}

/** Re-delivers every failed sync of an integration since a time, oldest first, each once. */
export async function recoverFailed(
  integrationId: number,
  since: Date,
  db: Db = getDb(),
): Promise<OperationResult<{ requested: number }>> {
  const integration = await getIntegration(db, integrationId);
  if (!integration) return { ok: false, message: "This integration no longer exists" };
  const failed = await listFailedSyncIdsSince(db, integrationId, since);
  const reopened: number[] = [];
  for (const id of failed) if (await reopenSync(db, id)) reopened.push(id);
  const stamp = Date.now();
  await requestDeliveries(reopened, "manual", (id) => `sync-${id}-recover-${stamp}`);
  logger.info(
    { integrationId, requested: reopened.length },
    `Recovering ${reopened.length} failed deliveries`,
  );
  return { ok: true, data: { requested: reopened.length } };
}

async function requestDeliveries(
  syncIds: number[],
  trigger: "automatic" | "manual",
  eventId: (syncId: number) => string,
): Promise<void> {
  for (let i = 0; i < syncIds.length; i += 500) {
    const chunk = syncIds.slice(i, i + 500);
    await inngest.send(
      chunk.map((syncId) => deliveryRequested.create({ syncId, trigger }, { id: eventId(syncId) })),
    );
  }
}

export type TestEventResult = DeliveryResult & { hint: string | null };

/** Posts a signed sample event straight to the receiver and returns its answer, with an n8n hint. */
export async function sendTestEvent(id: number, db: Db = getDb()): Promise<OperationResult<TestEventResult>> {
  const integration = await getIntegration(db, id);
  if (!integration) return { ok: false, message: "This integration no longer exists" };
  const now = new Date();
  const msgId = `msg_test_${now.getTime()}`;
  const body = JSON.stringify(
    buildWebhookBody({
      changeEventId: `test-${now.getTime()}`,
      type: "test",
      occurredAt: now,
      revision: 0,
      workItem: { reference: "RMA-000000", title: "Test event from Fixed Service", status: "new" },
      changes: {},
      actor: null,
    }),
  );
  const headers = {
    ...extraHeaders(integration),
    ...signWebhook({ msgId, timestamp: now, body, secrets: signingSecrets(integration, now) }),
  };
  const result = await deliverWebhook({
    url: integration.url,
    body,
    headers,
    timeoutMs: env().WEBHOOK_TIMEOUT_MS,
    dispatcher: webhookDispatcher(),
  });
  return { ok: true, data: { ...result, hint: hintFor(result, { url: integration.url }) } };
}
