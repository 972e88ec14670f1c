import "server-only";
import { eq } from "drizzle-orm";
import { NonRetriableError } from "inngest";
import type { Db } from "@/db/client";
import { integrationSyncs, integrations, notices, workItems } from "@/db/schema";
import { type DeliveryFailedEvent, deliveryFailed } from "@/inngest/events";
import { type Env, env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { classifyResponse, deliverWebhook, webhookDispatcher } from "@/server/deliveries/http";
import { signWebhook } from "@/server/deliveries/sign";
import { subjectKey } from "@/server/deliveries/subjects";

/**
 * The operational webhook: `integration.paused`, `integration.resumed` and `delivery.failed` to
 * OPS_WEBHOOK_URL, signed with OPS_WEBHOOK_SECRET exactly like every delivery (Standard Webhooks,
 * sign.ts) and sent through the same SSRF-guarded POST (http.ts). The body is Standard Webhooks'
 * `{ type, timestamp, data }`; `webhook-id` is stable for one happening, so a retry is de-duplicable.
 */

type OpsEventType = "integration.paused" | "integration.resumed" | "delivery.failed";

type OpsMessage = {
  /** `webhook-id`. */
  id: string;
  type: OpsEventType;
  timestamp: string;
  data: Record<string, unknown>;
};

export type OpsTrigger =
  | { kind: "paused"; noticeId: number }
  | {
      kind: "resumed";
      integrationId: number;
      resumedAt: string;
      resumedBy: { id: string; name: string } | null;
      pending: number;
    }
  | { kind: "failed"; syncId: number; integrationId: number; attempts: number; error: string };

export function opsWebhookEnabled(
  config: Pick<Env, "OPS_WEBHOOK_URL" | "OPS_WEBHOOK_SECRET"> = env(),
): boolean {
  return Boolean(config.OPS_WEBHOOK_URL && config.OPS_WEBHOOK_SECRET);
}

/**
 * The event that sends `delivery.failed` for a sync given up, or none when no operational webhook is
 * configured (a failure then costs no extra run).
 */
export function deliveryFailedEvents(failed: {
  syncId: number;
  integrationId: number;
  attempts: number;
  error: string;
}): DeliveryFailedEvent[] {
  if (!opsWebhookEnabled()) return [];
  return [deliveryFailed.create(failed, { id: `delivery-failed-${failed.syncId}-${failed.attempts}` })];
}

function link(path: string): string {
  return new URL(path, env().APP_URL).toString();
}

/** The message for a trigger, read from the database; null when what it is about is gone. */
async function buildOpsMessage(db: Db, trigger: OpsTrigger): Promise<OpsMessage | null> {
  switch (trigger.kind) {
    case "paused": {
      const [row] = await db
        .select({ notice: notices, name: integrations.name, pausedAt: integrations.pausedAt })
        .from(notices)
        .leftJoin(integrations, eq(integrations.id, notices.integrationId))
        .where(eq(notices.id, trigger.noticeId));
      if (!row) return null;
      const { notice } = row;
      return {
        id: `ops_notice_${notice.id}`,
        type: "integration.paused",
        timestamp: notice.createdAt.toISOString(),
        data: {
          integration: notice.integrationId === null ? null : { id: notice.integrationId, name: row.name },
          reason: notice.text,
          paused_at: (row.pausedAt ?? notice.createdAt).toISOString(),
          url:
            notice.integrationId === null
              ? link("/integrations")
              : link(`/integrations/${notice.integrationId}`),
        },
      };
    }
    case "resumed": {
      const [row] = await db
        .select({ name: integrations.name })
        .from(integrations)
        .where(eq(integrations.id, trigger.integrationId));
      if (!row) return null;
      return {
        id: `ops_resumed_${trigger.integrationId}_${new Date(trigger.resumedAt).getTime()}`,
        type: "integration.resumed",
        timestamp: trigger.resumedAt,
        data: {
          integration: { id: trigger.integrationId, name: row.name },
          resumed_by: trigger.resumedBy,
          pending: trigger.pending,
          url: link(`/integrations/${trigger.integrationId}`),
        },
      };
    }
    case "failed": {
      const [row] = await db
        .select({ sync: integrationSyncs, name: integrations.name, reference: workItems.reference })
        .from(integrationSyncs)
        .innerJoin(integrations, eq(integrations.id, integrationSyncs.integrationId))
        .innerJoin(workItems, eq(workItems.id, integrationSyncs.workItemId))
        .where(eq(integrationSyncs.id, trigger.syncId));
      if (!row) return null;
      const { sync } = row;
      return {
        id: `ops_failed_${sync.id}_${trigger.attempts}`,
        type: "delivery.failed",
        timestamp: (sync.completedAt ?? new Date()).toISOString(),
        data: {
          sync: {
            id: sync.id,
            webhook_id: sync.webhookId,
            event_type: sync.eventType,
            subject: subjectKey(sync),
          },
          integration: { id: sync.integrationId, name: row.name },
          work_item: { id: sync.workItemId, reference: row.reference },
          attempts: trigger.attempts,
          error: trigger.error,
          url: link(`/syncs/${sync.id}`),
        },
      };
    }
  }
}

/**
 * POSTs one operational webhook. Returns the receiver's status; throws to be retried (5xx, 408, 429,
 * a timeout, a reset) or NonRetriableError for an answer retrying cannot change (another 4xx, a refused
 * address).
 */
async function sendOpsWebhook(message: OpsMessage): Promise<{ status: number | null; ms: number }> {
  const config = env();
  if (!config.OPS_WEBHOOK_URL || !config.OPS_WEBHOOK_SECRET)
    throw new NonRetriableError("OPS_WEBHOOK_URL is unset");
  const body = JSON.stringify({ type: message.type, timestamp: message.timestamp, data: message.data });
  const headers: Record<string, string> = {
    ...signWebhook({ msgId: message.id, timestamp: new Date(), body, secrets: [config.OPS_WEBHOOK_SECRET] }),
  };
  const result = await deliverWebhook({
    url: config.OPS_WEBHOOK_URL,
    body,
    headers,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    dispatcher: webhookDispatcher(),
  });
  const host = new URL(config.OPS_WEBHOOK_URL).host;
  const fields = {
    opsEvent: message.type,
    webhookId: message.id,
    status: result.status,
    ms: result.durationMs,
  };
  const next = classifyResponse(result);
  if (next === "success") {
    logger.info(fields, `Operational webhook ${message.type} sent to ${host}`);
    return { status: result.status, ms: result.durationMs };
  }
  const failure = `Operational webhook ${message.type} to ${host} failed: ${result.errorMessage}`;
  logger.warn(fields, failure);
  if (next === "fail-permanently" || next === "pause-integration") throw new NonRetriableError(failure);
  throw new Error(failure);
}

/** The operational webhook for one happening: built from the database, posted, or skipped when off. */
export async function sendOpsNotification(
  db: Db,
  trigger: OpsTrigger,
): Promise<{ sent: false; reason: "ops webhook off" | "gone" } | { sent: true; status: number | null }> {
  if (!opsWebhookEnabled()) return { sent: false, reason: "ops webhook off" };
  const message = await buildOpsMessage(db, trigger);
  if (!message) return { sent: false, reason: "gone" };
  const { status } = await sendOpsWebhook(message);
  return { sent: true, status };
}
