import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { NonRetriableError, RetryAfterError } from "inngest";
import { type Db, rowsOf } from "@/db/client";
import {
  type AttemptTrigger,
  type ErrorKind,
  type Integration,
  type IntegrationSync,
  integrationSyncs,
  integrations,
  syncAttempts,
  workItems,
} from "@/db/schema";
import type { DeliveryFailedEvent, IntegrationPausedEvent } from "@/inngest/events";
import { createBatcher } from "@/lib/batcher";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { decideAutoPause, type PauseStreak } from "@/server/integrations/auto-pause";
import { observeAttempt, observeFailedDelivery } from "@/server/metrics/registry";
import { pauseAutomatically } from "@/server/notifications/notices";
import { classifyResponse, deliverWebhook, webhookDispatcher } from "./http";
import { releaseLease, takeLease } from "./lease";
import { type DeliveryRequest, findBlocker } from "./ordering";
import { serializeBody } from "./payload";
import { redactHeaders } from "./redact";
import { extraHeaders, signingSecrets, signWebhook } from "./sign";
import { subjectKey } from "./subjects";

/**
 * One try of one sync: lease -> may it go (pending, integration active, nothing older pending) ->
 * sign -> POST -> record the attempt. The HTTP call never throws (http.ts); this records its result,
 * then throws so Inngest retries the step.
 */

export type DeliveryContext = {
  sync: IntegrationSync;
  integration: Integration;
  reference: string;
};

export async function getDeliveryContext(db: Db, syncId: number): Promise<DeliveryContext | undefined> {
  const [row] = await db
    .select({ sync: integrationSyncs, integration: integrations, reference: workItems.reference })
    .from(integrationSyncs)
    .innerJoin(integrations, eq(integrations.id, integrationSyncs.integrationId))
    .innerJoin(workItems, eq(workItems.id, integrationSyncs.workItemId))
    .where(eq(integrationSyncs.id, syncId));
  return row;
}

export type AttemptRecord = {
  syncId: number;
  trigger: AttemptTrigger;
  requestUrl: string;
  requestHeaders: Record<string, string>;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  durationMs: number;
  errorKind: ErrorKind | null;
  errorMessage: string | null;
  succeeded: boolean;
};

export type RecordedAttempt = {
  number: number;
  /** The integration's streak towards an automatic pause after this attempt (server/integrations/auto-pause.ts). */
  streak: PauseStreak;
};

/**
 * Writes one attempt row, moves the sync's counters, gives its lease back and moves its integration's
 * health (failed attempts in a row, failing since, last success and failure: every attempt counts, not
 * only syncs given up; last success to the second) and its streak towards an automatic pause, in one
 * statement. Attempts recorded in the same turn (the answers to a fan-out's concurrent POSTs) share that
 * statement (createBatcher): one round trip for all of them. Returns the attempt number and the streak
 * after it, or null when the sync was deleted meanwhile (its integration removed).
 */
export function recordAttempt(db: Db, a: AttemptRecord): Promise<RecordedAttempt | null> {
  return attempts(db, a);
}

const attempts = createBatcher(
  async (db: Db, batch: AttemptRecord[]): Promise<(RecordedAttempt | null)[]> => {
    // One sync twice in one statement would be counted once: such a batch goes in rounds of distinct
    // syncs (not seen in practice: a lease lets one run post a sync at a time).
    const results: (RecordedAttempt | null)[] = new Array(batch.length).fill(null);
    const rounds: { a: AttemptRecord; i: number }[][] = [];
    const timesSeen = new Map<number, number>();
    for (const [i, a] of batch.entries()) {
      const round = timesSeen.get(a.syncId) ?? 0;
      timesSeen.set(a.syncId, round + 1);
      if (round === rounds.length) rounds.push([]);
      rounds[round]?.push({ a, i });
    }
    for (const round of rounds) {
      const recorded = await recordBatch(
        db,
        round.map(({ a }) => a),
      );
      for (const [j, { i }] of round.entries()) results[i] = recorded[j] ?? null;
    }
    return results;
  },
);

async function recordBatch(db: Db, batch: AttemptRecord[]): Promise<(RecordedAttempt | null)[]> {
  const rows = batch.map((a) => ({
    sync_id: a.syncId,
    ok: a.succeeded,
    status: a.responseStatus,
    err: a.errorMessage,
    dur: a.durationMs,
    trig: a.trigger,
    url: a.requestUrl,
    req_h: a.requestHeaders,
    resp_h: a.responseHeaders,
    body: a.responseBody,
    kind: a.errorKind,
  }));
  // The integration ids are not known here: the statement maps syncs to integrations, then folds each
  // integration's attempts in batch order (k), so four failures then a success leave 0 in a row.
  const result = await db.execute(sql`
    with a as (
      select * from jsonb_to_recordset(${JSON.stringify(rows.map((r, k) => ({ k, ...r })))}::jsonb)
        as a(k int, sync_id bigint, ok boolean, status int, err text, dur int, trig attempt_trigger,
          url text, req_h jsonb, resp_h jsonb, body text, kind text)
    ), updated as (
      update ${integrationSyncs} s set
        attempt_count = s.attempt_count + 1,
        last_status_code = a.status,
        last_error = a.err,
        last_duration_ms = a.dur,
        updated_at = now(),
        lease_holder = null,
        lease_expires_at = null,
        status = case when a.ok then 'synced'::sync_status else s.status end,
        completed_at = case when a.ok then now() else s.completed_at end
      from a
      where s.id = a.sync_id
      returning s.id, s.attempt_count, s.integration_id
    ), folded as (
      select u.integration_id as iid,
        bool_or(a.ok) as reset,
        count(*) filter (where not a.ok)::int as fails,
        count(*) filter (where not a.ok and a.k > coalesce(
          (select max(a2.k) from a a2 join updated u2 on u2.id = a2.sync_id
            where a2.ok and u2.integration_id = u.integration_id), -1))::int as fails_after,
        (array_agg(a.status order by a.k desc) filter (where not a.ok))[1] as last_fail_status,
        (array_agg(a.err order by a.k desc) filter (where not a.ok))[1] as last_fail_error
      from updated u join a on a.sync_id = u.id
      group by u.integration_id
    ), health as (
      update ${integrations} i set
        failed_attempts_in_a_row = case when f.reset then f.fails_after else i.failed_attempts_in_a_row + f.fails end,
        failing_since = case when f.reset then (case when f.fails_after > 0 then now() end)
          else coalesce(i.failing_since, now()) end,
        auto_pause_streak = case when f.reset then f.fails_after else i.auto_pause_streak + f.fails end,
        auto_pause_streak_since = case when f.reset then (case when f.fails_after > 0 then now() end)
          else coalesce(i.auto_pause_streak_since, now()) end,
        last_success_at = case when f.reset then now() else i.last_success_at end,
        last_failure_at = case when f.fails > 0 then now() else i.last_failure_at end,
        last_failure_status = case when f.fails > 0 then f.last_fail_status else i.last_failure_status end,
        last_failure_error = case when f.fails > 0 then f.last_fail_error else i.last_failure_error end
      from folded f
      where i.id = f.iid
        -- A success changes nothing but last_success_at while the integration is healthy: write that at
        -- most once a second, so parallel deliveries of one integration do not queue on its row.
        and (f.fails > 0 or i.failed_attempts_in_a_row <> 0 or i.last_success_at is null
          or i.last_success_at < now() - interval '1 second')
      returning i.id, i.auto_pause_streak, i.auto_pause_streak_since
    ), inserted as (
      insert into ${syncAttempts} (sync_id, number, trigger, request_url, request_headers, response_status,
        response_headers, response_body, duration_ms, error_kind, error_message)
      select u.id, u.attempt_count, a.trig, a.url, a.req_h, a.status, a.resp_h, a.body, a.dur, a.kind, a.err
      from updated u join a on a.sync_id = u.id
      returning sync_id, number
    )
    select inserted.sync_id, inserted.number, health.auto_pause_streak as streak,
      health.auto_pause_streak_since as since
    from inserted join updated on updated.id = inserted.sync_id
    left join health on health.id = updated.integration_id`);
  const bySync = new Map(
    rowsOf<{ sync_id: number | string; number: number; streak: number | null; since: Date | string | null }>(
      result,
    ).map((r) => [Number(r.sync_id), r]),
  );
  return batch.map((a) => {
    const row = bySync.get(a.syncId);
    if (!row) return null;
    return {
      number: Number(row.number),
      streak: {
        failures: Number(row.streak ?? 0),
        since: row.since === null ? null : new Date(row.since),
        lastError: a.errorMessage,
      },
    };
  });
}

/**
 * Fails a pending sync for good; returns its attempt count, or null when it was not pending (any more).
 * Only the statement that moves it counts it as a failed delivery (metrics), so a repeated onFailure
 * counts nothing twice.
 */
export async function markSyncFailed(
  db: Db,
  syncId: number,
  error: string,
): Promise<{ attempts: number } | null> {
  const [row] = await db
    .update(integrationSyncs)
    .set({
      status: "failed",
      lastError: sql`coalesce(${integrationSyncs.lastError}, ${error})`,
      completedAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .from(integrations)
    .where(
      and(
        eq(integrationSyncs.id, syncId),
        eq(integrationSyncs.status, "pending"),
        eq(integrations.id, integrationSyncs.integrationId),
      ),
    )
    .returning({ attempts: integrationSyncs.attemptCount, integration: integrations.name });
  if (!row) return null;
  observeFailedDelivery(row.integration);
  return { attempts: row.attempts };
}

/** What delivery steps hand back for their function to send with step.sendEvent. */
export type OutgoingEvent = DeliveryRequest | IntegrationPausedEvent | DeliveryFailedEvent;

/**
 * Marks an error thrown only so Inngest retries (a 500, a timeout, a reset, Retry-After, a lease another
 * run holds): the SDK's logger (inngest/sdk-logger.ts) logs it as a warning without the stack.
 */
export function expectedRetry<E extends Error>(error: E, fields: Record<string, unknown>): E {
  return Object.assign(error, { expected: true, logFields: fields });
}

/** How delivery log lines name what they deliver: "workitem:12 (RMA-000012)", "task:45 (RMA-000012)". */
export function deliverySubject(sync: Pick<IntegrationSync, "subjectType" | "subjectId">, reference: string) {
  return `${subjectKey(sync)} (${reference})`;
}

export type DeliveryOutcome =
  | { outcome: "synced"; attempt: number; status: number | null }
  | { outcome: "already-settled"; status: string }
  /** `notify`: this try paused the integration; the caller sends the event with step.sendEvent. */
  | { outcome: "paused"; reason: string; notify?: IntegrationPausedEvent }
  | { outcome: "waiting"; blockedBy: { syncId: number | null; changeEventId: string | null } }
  /** Another run holds the lease (posting now, or it died and the lease runs out at `until`). */
  | { outcome: "in-flight"; until: string | null; subject: string; logFields: Record<string, unknown> }
  | { outcome: "missing" };

/**
 * One try of one sync by `holder` (the Inngest run id: a retried step of the same run may take its
 * own lease again, so a crash mid-POST does not strand the sync). Records the attempt, then returns
 * when the sync is settled or need not be sent now, and throws when Inngest should retry
 * (RetryAfterError honours the receiver's Retry-After, NonRetriableError ends the run at once and
 * onFailure marks the sync failed).
 */
export async function attemptDelivery(
  db: Db,
  syncId: number,
  trigger: AttemptTrigger,
  holder: string,
): Promise<DeliveryOutcome> {
  const claimed = await takeLease(db, syncId, holder);
  const ctx = await getDeliveryContext(db, syncId);
  if (!ctx) return { outcome: "missing" };
  const { sync, reference } = ctx;
  if (sync.status !== "pending") return { outcome: "already-settled", status: sync.status };
  if (!claimed) {
    logger.warn(
      { syncId, integrationId: sync.integrationId, workItemId: sync.workItemId, reference },
      `Delivery of ${deliverySubject(sync, reference)} is already under way elsewhere`,
    );
    return {
      outcome: "in-flight",
      subject: deliverySubject(sync, reference),
      logFields: { syncId, integrationId: sync.integrationId, workItemId: sync.workItemId, reference },
      until: sync.leaseExpiresAt ? new Date(sync.leaseExpiresAt).toISOString() : null,
    };
  }
  return attemptLeased(db, ctx, trigger, holder);
}

/**
 * One try of a sync whose lease `holder` already holds and whose context is loaded (the fan-out's
 * fresh rows): attemptDelivery without its two round trips.
 */
export async function attemptLeased(
  db: Db,
  ctx: DeliveryContext,
  trigger: AttemptTrigger,
  holder: string,
): Promise<DeliveryOutcome> {
  try {
    return await sendLeased(db, ctx, trigger, holder);
  } catch (error) {
    // A failed try has given the lease back already (recordAttempt); anything else that threw (the
    // database went away mid-try) gives it back here, so the next try need not wait for it to expire.
    await releaseLease(db, ctx.sync.id, holder).catch(() => {});
    throw error;
  }
}

async function sendLeased(
  db: Db,
  ctx: DeliveryContext,
  trigger: AttemptTrigger,
  holder: string,
): Promise<DeliveryOutcome> {
  const config = env();
  const { sync, integration, reference } = ctx;
  const syncId = sync.id;
  const subject = deliverySubject(sync, reference);
  const logFields = { syncId, integrationId: integration.id, workItemId: sync.workItemId, reference };
  const log = logger.child(logFields);
  // The context may be older than a pause (a fan-out loads it before its first tries): findBlocker
  // reads the integration again, right before the POST.
  const blocker = integration.active
    ? await findBlocker(db, sync)
    : ({ kind: "paused", reason: integration.pausedReason ?? "paused" } as const);
  if (blocker?.kind === "paused") {
    await releaseLease(db, syncId, holder);
    log.info(`Integration ${integration.name} is paused; ${subject} waits for a resume`);
    return { outcome: "paused", reason: blocker.reason };
  }
  if (blocker) {
    await releaseLease(db, syncId, holder);
    const { syncId: olderSyncId, changeEventId } = blocker;
    log.info(
      { blockedBy: { syncId: olderSyncId, changeEventId } },
      `Delivery of ${subject} revision ${sync.revision} to ${integration.name} waits for an older one`,
    );
    return { outcome: "waiting", blockedBy: { syncId: olderSyncId, changeEventId } };
  }

  // jsonb keeps no key order: the bytes are the canonical serialization (payload.ts), every try alike.
  const body = serializeBody(sync.payload);
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
  log.info(`Sending webhook to ${integration.name} for ${subject} (attempt ${attemptNumber})`);
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
  observeAttempt(integration.name, result.ok, result.durationMs);

  const next = classifyResponse(result);
  if (next === "success") {
    log.info(
      { status: result.status, ms: result.durationMs },
      `Successfully synced ${subject} to ${integration.name}`,
    );
    return { outcome: "synced", attempt: attemptNumber, status: result.status };
  }
  const failure = `Webhook to ${integration.name} for ${subject} failed (attempt ${attemptNumber}): ${result.errorMessage}`;
  const facts = { status: result.status, errorKind: result.errorKind, ms: result.durationMs };
  if (next === "pause-integration") {
    const pause = await pauseAutomatically(
      db,
      integration.id,
      `Receiver answered 410 Gone on ${new Date().toISOString()}`,
    );
    log.warn(
      facts,
      pause.paused
        ? `${failure}; integration ${integration.name} paused`
        : `${failure}; integration ${integration.name} was paused already`,
    );
    return pause.paused
      ? { outcome: "paused", reason: pause.reason, notify: pause.event }
      : { outcome: "paused", reason: pause.reason };
  }
  // This failure may be the one that reaches a threshold: pause rather than retry, the sync stays
  // pending and goes out in order on resume.
  const decision = decideAutoPause(recorded.streak, {
    failures: config.AUTO_PAUSE_FAILURES,
    hours: config.AUTO_PAUSE_AFTER_HOURS,
  });
  if (decision) {
    const pause = await pauseAutomatically(db, integration.id, decision.reason);
    log.warn(
      { ...facts, streak: recorded.streak.failures, rule: decision.rule },
      pause.paused
        ? `${failure}; integration ${integration.name} paused: ${decision.reason}`
        : `${failure}; integration ${integration.name} was paused already`,
    );
    return pause.paused
      ? { outcome: "paused", reason: pause.reason, notify: pause.event }
      : { outcome: "paused", reason: pause.reason };
  }
  switch (next) {
    case "fail-permanently":
      log.warn(facts, `${failure}; not retrying`);
      throw new NonRetriableError(failure);
    case "retry-after":
      log.warn(
        { ...facts, retryAfterMs: result.retryAfterMs },
        `${failure}; retrying after the receiver's Retry-After`,
      );
      throw expectedRetry(
        new RetryAfterError(failure, new Date(Date.now() + (result.retryAfterMs ?? 0))),
        logFields,
      );
    default:
      log.warn(facts, `${failure}; will retry`);
      throw expectedRetry(new Error(failure), logFields);
  }
}
