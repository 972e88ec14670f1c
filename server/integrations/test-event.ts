import "server-only";
import { type Db, getDb } from "@/db/client";
import { env } from "@/lib/env";
import type { OperationResult } from "@/lib/result";
import { type DeliveryResult, deliverWebhook, webhookDispatcher } from "@/server/deliveries/http";
import { buildWebhookBody, serializeBody } from "@/server/deliveries/payload";
import { extraHeaders, signingSecrets, signWebhook } from "@/server/deliveries/sign";
import { getIntegration } from "./integrations";
import { hintFor } from "./n8n-hints";

export type TestEventResult = DeliveryResult & { hint: string | null };

/** Posts a signed sample event straight to the receiver and returns its answer, with an n8n hint. */
export async function sendTestEvent(id: number, db: Db = getDb()): Promise<OperationResult<TestEventResult>> {
  const integration = await getIntegration(db, id);
  if (!integration) return { ok: false, message: "This integration no longer exists" };
  const now = new Date();
  const msgId = `msg_test_${now.getTime()}`;
  const body = serializeBody(
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
