import "server-only";
import { NonRetriableError, RetryAfterError } from "inngest";
import type { Db } from "@/db/client";
import type { AttemptTrigger, IntegrationSync } from "@/db/schema";
import { deliveryRequested } from "@/inngest/events";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { deliveryFailedEvents } from "@/server/notifications/ops-webhook";
import {
  attemptDelivery,
  attemptLeased,
  type DeliveryContext,
  type DeliveryOutcome,
  deliverySubject,
  expectedRetry,
  getDeliveryContext,
  markSyncFailed,
  type OutgoingEvent,
} from "./attempt";
import { releaseLeases } from "./lease";
import { nextPendingSyncs, releaseRequest, releaseRequests } from "./ordering";
import { subjectKey } from "./subjects";

/**
 * What delivery runs do with syncs: the fan-out's first tries (deliverNow), one requested try
 * (deliverRequested, the deliver-webhook function's step) and a run that gave up (failRequested).
 * Nothing here sends events: the requests come back for the function to send with step.sendEvent.
 */

export type DeliverNowResult = {
  synced: number;
  failed: number;
  /** Waiting behind an older delivery, for a paused integration to resume, or for another run's try. */
  waiting: number;
  /** Handed to a deliver-webhook run of their own (it retries with backoff). */
  handedOff: number;
  /** Later deliveries of the same integration and object released by the ones settled here. */
  released: number;
  /**
   * Delivery runs to request (retries handed off, releases) and notifications (a pause, a sync given
   * up): the caller sends them with step.sendEvent.
   */
  requests: OutgoingEvent[];
};

/** How many syncs one step tries at once (each of a different integration and object). */
const PARALLEL_TRIES = 32;

/**
 * How far a run goes on down a line once a sync of it settled (continueLine): at most this many more
 * syncs per line, and not after this long into the step. What is left is released to runs of its own.
 */
const CONTINUE_SYNCS = 20;
const CONTINUE_MS = 5_000;

type Position = Pick<IntegrationSync, "id" | "integrationId" | "subjectType" | "subjectId" | "revision">;

function emptyResult(): DeliverNowResult {
  return { synced: 0, failed: 0, waiting: 0, handedOff: 0, released: 0, requests: [] };
}

/**
 * One automatic try of a sync: the context a fan-out loaded (its new rows are born leased to it), or a
 * sync to load. `settled` when the next of its line may go; `waiting` behind an older delivery, a pause
 * or another run's try (whatever it waits for releases it); `handed-off` to a deliver-webhook run of
 * its own, which waits, as `notBefore`, for the receiver's Retry-After or else the first backoff step
 * (WEBHOOK_FIRST_RETRY_MS): that run's try is the sync's second and must not follow the first at once.
 * A 4xx that must not be retried fails the sync here (settled).
 */
async function tryOne(
  db: Db,
  target: DeliveryContext | Position,
  holder: string,
  result: DeliverNowResult,
): Promise<"settled" | "waiting" | "handed-off"> {
  const sync: Position = "sync" in target ? target.sync : target;
  try {
    const outcome =
      "sync" in target && target.sync.status === "pending" && target.sync.leaseHolder === holder
        ? await attemptLeased(db, target, "automatic", holder)
        : await attemptDelivery(db, sync.id, "automatic", holder);
    if (outcome.outcome === "paused" && outcome.notify) result.requests.push(outcome.notify);
    if (outcome.outcome === "waiting" || outcome.outcome === "paused" || outcome.outcome === "in-flight") {
      result.waiting++;
      return "waiting";
    }
    if (outcome.outcome === "synced") result.synced++;
    return "settled";
  } catch (error) {
    if (!(error instanceof NonRetriableError)) {
      const notBefore =
        error instanceof RetryAfterError
          ? error.retryAfter
          : new Date(Date.now() + env().WEBHOOK_FIRST_RETRY_MS).toISOString();
      result.requests.push(
        deliveryRequested.create(
          { syncId: sync.id, trigger: "automatic", notBefore },
          { id: `sync-${sync.id}` },
        ),
      );
      result.handedOff++;
      return "handed-off";
    }
    const failed = await markSyncFailed(db, sync.id, error.message);
    if (failed) {
      result.requests.push(
        ...deliveryFailedEvents({
          syncId: sync.id,
          integrationId: sync.integrationId,
          attempts: failed.attempts,
          error: error.message,
        }),
      );
    }
    result.failed++;
    return "settled";
  }
}

/**
 * Now that `settled` is settled, the next pending deliveries of its integration and object are tried
 * right here, in revision order, while they settle and the budget lasts, instead of one release run
 * each (when saves of one item outpace its deliveries, those runs pile up in the engine, each a round
 * trip of its own, and the pile makes every delivery later). What is left, or waits, is released as a
 * settled sync always did; a sync handed off to its own retrying run is not released again.
 */
async function continueLine(
  db: Db,
  settled: Position,
  holder: string,
  result: DeliverNowResult,
  until: number,
): Promise<void> {
  let current = settled;
  let budget = CONTINUE_SYNCS;
  for (;;) {
    const next = await nextPendingSyncs(db, current);
    if (next.length === 0) return;
    let moved: Position | null = null;
    for (const [i, n] of next.entries()) {
      const position = { ...current, id: n.id, revision: n.revision };
      const outcome = budget-- > 0 && Date.now() < until ? await tryOne(db, position, holder, result) : null;
      if (outcome === "settled") {
        moved = position;
        continue;
      }
      const rest = next.slice(outcome === "handed-off" ? i + 1 : i);
      result.requests.push(...rest.map((r) => releaseRequest(r.id, current.id)));
      result.released += rest.length;
      return;
    }
    if (!moved) return;
    current = moved;
  }
}

/**
 * The first try of change events' syncs, inside the fan-out step that created them, so the usual case
 * costs one engine round trip per batch of saves instead of one run per sync.
 *
 * The syncs of one integration and object go one after another in revision order (a batch may hold two
 * saves of one item), the rest in parallel; a sync that does not settle stops its object's line, and the
 * ones behind it wait for its release. After a line's last sync settles, the run goes on with the later
 * pending syncs of that line (continueLine). See tryOne for what one try does.
 *
 * Safe to run again (a retried step): settled syncs are skipped, the run id is the lease `holder`
 * (see lease.ts), and every request has an event id the engine dedupes. Sends nothing itself: the
 * requests come back in the result for the function to send with step.sendEvent.
 */
export async function deliverNow(
  db: Db,
  syncs: DeliveryContext[],
  holder: string,
): Promise<DeliverNowResult> {
  const result = emptyResult();
  const until = Date.now() + CONTINUE_MS;
  const lines = new Map<string, DeliveryContext[]>();
  for (const ctx of syncs) {
    const key = `${ctx.sync.integrationId}:${subjectKey(ctx.sync)}`;
    const line = lines.get(key);
    if (line) line.push(ctx);
    else lines.set(key, [ctx]);
  }
  const queue = [...lines.values()].map((line) =>
    line.sort((a, b) => a.sync.revision - b.sync.revision || a.sync.id - b.sync.id),
  );
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL_TRIES, queue.length) }, async () => {
      for (let line = queue.shift(); line; line = queue.shift()) {
        for (const [i, ctx] of line.entries()) {
          if ((await tryOne(db, ctx, holder, result)) === "settled") {
            if (i === line.length - 1) await continueLine(db, ctx.sync, holder, result, until);
            continue;
          }
          // The rest of the line waits for this one's release: give back the leases they were born with.
          await releaseLeases(
            db,
            line.slice(i + 1).map((c) => c.sync.id),
            holder,
          );
          break;
        }
      }
    }),
  );
  return result;
}

/**
 * The deliver-webhook run's one step: a try of one sync (see attemptDelivery for what it returns and
 * throws); when the sync is settled, the run goes on down its line (continueLine) and the releases of
 * what is left ride along in `requests`. The
 * "already-settled" case also covers a crash between the POST and its report: the retried step does
 * not post again, it only releases.
 */
export async function deliverRequested(
  db: Db,
  syncId: number,
  trigger: AttemptTrigger,
  holder: string,
): Promise<{ outcome: DeliveryOutcome; requests: OutgoingEvent[] }> {
  const outcome = await attemptDelivery(db, syncId, trigger, holder);
  if (outcome.outcome === "in-flight") {
    // attemptDelivery logged it (warn: an expected wait, not an error).
    // Another run holds the lease: look again when it has run out (by then that run has settled the
    // sync, or died and left it to us).
    throw expectedRetry(
      new RetryAfterError(
        `Delivery of ${outcome.subject} is already under way elsewhere`,
        outcome.until ? new Date(outcome.until) : "5s",
      ),
      outcome.logFields,
    );
  }
  if (outcome.outcome === "paused" && outcome.notify) {
    const { notify, ...rest } = outcome;
    return { outcome: rest, requests: [notify] };
  }
  const settled = outcome.outcome === "synced" || outcome.outcome === "already-settled";
  if (!settled) return { outcome, requests: [] };
  const ctx = await getDeliveryContext(db, syncId);
  if (!ctx) return { outcome, requests: [] };
  const after = emptyResult();
  await continueLine(db, ctx.sync, holder, after, Date.now() + CONTINUE_MS);
  return { outcome, requests: after.requests };
}

/**
 * When a delivery run has given up: the sync is failed for good, and the next one may go (and, with an
 * operational webhook, `delivery.failed` goes out).
 */
export async function failRequested(db: Db, syncId: number, error: string): Promise<OutgoingEvent[]> {
  const failed = await markSyncFailed(db, syncId, error);
  const ctx = await getDeliveryContext(db, syncId);
  if (!ctx) {
    logger.error({ syncId, error }, `Delivery of sync ${syncId} failed for good`);
    return [];
  }
  const { sync, integration, reference } = ctx;
  logger.error(
    { syncId, integrationId: integration.id, workItemId: sync.workItemId, reference, error },
    `Delivery of ${deliverySubject(sync, reference)} to ${integration.name} failed for good: ${error}`,
  );
  const notify = failed
    ? deliveryFailedEvents({ syncId, integrationId: integration.id, attempts: failed.attempts, error })
    : [];
  return [...(await releaseRequests(db, sync)), ...notify];
}
