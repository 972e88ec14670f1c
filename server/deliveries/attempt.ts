import { NonRetriableError, RetryAfterError } from "inngest";
import type { Agent } from "undici";
import type { Db } from "@/db/client";
import type { AttemptTrigger, Integration } from "@/db/schema";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { classifyResponse, deliverWebhook } from "./http";
import { redactHeaders } from "./redact";
import { signWebhook } from "./sign";
import { createGuardedDispatcher, parseAllowlist } from "./ssrf";
import {
  claimSync,
  type DeliveryContext,
  findOrderingBlocker,
  getDeliveryContext,
  pauseIntegration,
  recordAttempt,
  releaseClaim,
} from "./syncs";

let dispatcher: { key: string; agent: Agent } | undefined;

/** One SSRF-guarded connection pool per process (rebuilt if the allowlist changes, e.g. in tests). */
export function webhookDispatcher(): Agent {
  const key = env().WEBHOOK_ALLOWED_HOSTS;
  if (dispatcher?.key !== key) {
    dispatcher = { key, agent: createGuardedDispatcher({ allowlist: parseAllowlist(key) }) };
  }
  return dispatcher.agent;
}

/** The secrets that sign now: the current one, and the previous one during its grace period. */
export function signingSecrets(integration: Integration, now = new Date()): string[] {
  const secrets = [integration.secret];
  if (
    integration.previousSecret &&
    integration.previousSecretExpiresAt &&
    integration.previousSecretExpiresAt > now
  ) {
    secrets.push(integration.previousSecret);
  }
  return secrets;
}

export function extraHeaders(
  integration: Pick<Integration, "headerName" | "headerValue">,
): Record<string, string> {
  return integration.headerName && integration.headerValue
    ? { [integration.headerName.toLowerCase()]: integration.headerValue }
    : {};
}

export type DeliveryOutcome =
  | { outcome: "synced"; attempt: number; status: number | null }
  | { outcome: "already-settled"; status: string }
  | { outcome: "paused"; reason: string }
  | { outcome: "waiting"; blockedBy: { syncId: number | null; changeEventId: string | null } }
  /** Another run holds the lease (posting now, or it died and the lease runs out at `until`). */
  | { outcome: "in-flight"; until: string | null }
  | { outcome: "missing" };

function subjectKey(ctx: DeliveryContext): string {
  return `${ctx.sync.contentType}:${ctx.sync.objectId}`;
}

/**
 * One try of one sync by `claimant` (the Inngest run id: a retried step of the same run may take its
 * own lease again, so a crash mid-POST does not strand the sync). Records the attempt, then returns
 * when the sync is settled or need not be sent now, and throws when Inngest should retry
 * (RetryAfterError honours the receiver's Retry-After, NonRetriableError ends the run at once and
 * onFailure marks the sync failed).
 */
export async function attemptDelivery(
  db: Db,
  syncId: number,
  trigger: AttemptTrigger,
  claimant: string,
): Promise<DeliveryOutcome> {
  const claimed = await claimSync(db, syncId, claimant, claimLeaseMs());
  const ctx = await getDeliveryContext(db, syncId);
  if (!ctx) return { outcome: "missing" };
  const { sync } = ctx;
  if (sync.status !== "pending") return { outcome: "already-settled", status: sync.status };
  if (!claimed) {
    logger.debug({ syncId }, `Delivery of ${subjectKey(ctx)} is already under way elsewhere`);
    return {
      outcome: "in-flight",
      until: sync.claimedUntil ? new Date(sync.claimedUntil).toISOString() : null,
    };
  }
  return attemptClaimed(db, ctx, trigger, claimant);
}

/** How long a lease outlives the webhook timeout: the database writes around the POST. */
const CLAIM_MARGIN_MS = 30_000;

/** The lease a claimant takes (or a fan-out gives its new rows) for one try. */
export function claimLeaseMs(): number {
  return env().WEBHOOK_TIMEOUT_MS + CLAIM_MARGIN_MS;
}

/**
 * One try of a sync whose lease `claimant` already holds and whose context is loaded (the fan-out's
 * fresh rows): attemptDelivery without its two round trips.
 */
export async function attemptClaimed(
  db: Db,
  ctx: DeliveryContext,
  trigger: AttemptTrigger,
  claimant: string,
): Promise<DeliveryOutcome> {
  try {
    return await sendClaimed(db, ctx, trigger, claimant);
  } catch (error) {
    // A failed try has given the lease back already (recordAttempt); anything else that threw (the
    // database went away mid-try) gives it back here, so the next try need not wait for it to expire.
    await releaseClaim(db, ctx.sync.id, claimant).catch(() => {});
    throw error;
  }
}

async function sendClaimed(
  db: Db,
  ctx: DeliveryContext,
  trigger: AttemptTrigger,
  claimant: string,
): Promise<DeliveryOutcome> {
  const config = env();
  const { sync, integration } = ctx;
  const syncId = sync.id;
  const log = logger.child({ syncId, integrationId: integration.id, workItemId: sync.workItemId });
  if (!integration.active) {
    await releaseClaim(db, syncId, claimant);
    log.info(`Integration ${integration.name} is paused; ${subjectKey(ctx)} waits for a resume`);
    return { outcome: "paused", reason: integration.pausedReason ?? "paused" };
  }
  const blocker = await findOrderingBlocker(db, sync);
  if (blocker) {
    await releaseClaim(db, syncId, claimant);
    log.info(
      { blockedBy: blocker },
      `Delivery of ${subjectKey(ctx)} revision ${sync.revision} to ${integration.name} waits for an older one`,
    );
    return { outcome: "waiting", blockedBy: blocker };
  }

  const body = JSON.stringify(sync.payload);
  const attemptNumber = sync.attemptCount + 1;
  const headers = {
    ...extraHeaders(integration),
    ...signWebhook({
      msgId: sync.webhookId,
      timestamp: new Date(),
      body,
      secrets: signingSecrets(integration),
    }),
  };
  log.info(`Sending webhook to ${integration.name} for ${subjectKey(ctx)} (attempt ${attemptNumber})`);
  const result = await deliverWebhook({
    url: integration.url,
    body,
    headers,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    dispatcher: webhookDispatcher(),
  });
  const recorded = await recordAttempt(db, {
    syncId,
    trigger,
    requestUrl: integration.url,
    requestHeaders: redactHeaders(headers, integration.headerName ? [integration.headerName] : []),
    responseStatus: result.status,
    responseHeaders: result.status === null ? null : result.responseHeaders,
    responseBody: result.status === null ? null : result.responseBody,
    durationMs: result.durationMs,
    errorKind: result.errorKind === "unknown" ? null : result.errorKind,
    errorMessage: result.errorMessage,
    succeeded: result.ok,
  });
  if (recorded === null) return { outcome: "missing" };

  const next = classifyResponse(result);
  if (next === "success") {
    log.info(
      { status: result.status, ms: result.durationMs },
      `Successfully synced ${subjectKey(ctx)} to ${integration.name}`,
    );
    return { outcome: "synced", attempt: attemptNumber, status: result.status };
  }
  const failure = `Webhook to ${integration.name} for ${subjectKey(ctx)} failed (attempt ${attemptNumber}): ${result.errorMessage}`;
  switch (next) {
    case "pause-integration": {
      const reason = `Receiver answered 410 Gone on ${new Date().toISOString()}`;
      await pauseIntegration(db, integration.id, reason);
      log.warn(`${failure}; integration ${integration.name} paused`);
      return { outcome: "paused", reason };
    }
    case "fail-permanently":
      log.warn(`${failure}; not retrying`);
      throw new NonRetriableError(failure);
    case "retry-after":
      log.warn(
        { retryAfterMs: result.retryAfterMs },
        `${failure}; retrying after the receiver's Retry-After`,
      );
      throw new RetryAfterError(failure, new Date(Date.now() + (result.retryAfterMs ?? 0)));
    default:
      log.warn(`${failure}; will retry`);
      throw new Error(failure);
  }
}
