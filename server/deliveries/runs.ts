import "server-only";
import { NonRetriableError, RetryAfterError } from "inngest";
import type { Db } from "@/db/client";
import type { AttemptTrigger } from "@/db/schema";
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
import { type DeliveryRequest, releaseRequests } from "./ordering";
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
 * The first try of change events' syncs, inside the fan-out step that created them, so the usual case
 * costs one engine round trip per batch of saves instead of one run per sync.
 *
 * The syncs of one integration and object go one after another in revision order (a batch may hold two
 * saves of one item), the rest in parallel; a sync that does not settle stops its object's line, and the
 * ones behind it wait for its release. A retryable failure gets a deliver-webhook run of its own whose
 * try waits, as `notBefore`, for the receiver's Retry-After or else the first backoff step
 * (WEBHOOK_FIRST_RETRY_MS): the run's try is the sync's second, and must not follow the first at once. A
 * sync that waits behind an older delivery, a paused integration or another run's try is released later
 * by whatever it waits for. A 4xx that must not be retried fails the sync here. The last settled sync
 * of each line releases the next pending delivery of its integration and object.
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
  const requests: OutgoingEvent[] = [];
  const result: DeliverNowResult = { synced: 0, failed: 0, waiting: 0, handedOff: 0, released: 0, requests };

  /** One try; true when the sync is settled (the next of its line may go). */
  const tryOne = async (ctx: DeliveryContext, last: boolean): Promise<boolean> => {
    const { sync } = ctx;
    try {
      // A row the fan-out just created is already leased to it, with its context loaded.
      const outcome =
        sync.status === "pending" && sync.leaseHolder === holder
          ? await attemptLeased(db, ctx, "automatic", holder)
          : await attemptDelivery(db, sync.id, "automatic", holder);
      if (outcome.outcome === "paused" && outcome.notify) requests.push(outcome.notify);
      if (outcome.outcome === "waiting" || outcome.outcome === "paused" || outcome.outcome === "in-flight") {
        result.waiting++;
        return false;
      }
      if (outcome.outcome === "synced") result.synced++;
    } catch (error) {
      if (!(error instanceof NonRetriableError)) {
        const notBefore =
          error instanceof RetryAfterError
            ? error.retryAfter
            : new Date(Date.now() + env().WEBHOOK_FIRST_RETRY_MS).toISOString();
        requests.push(
          deliveryRequested.create(
            { syncId: sync.id, trigger: "automatic", notBefore },
            { id: `sync-${sync.id}` },
          ),
        );
        result.handedOff++;
        return false;
      }
      const failed = await markSyncFailed(db, sync.id, error.message);
      if (failed) {
        requests.push(
          ...deliveryFailedEvents({
            syncId: sync.id,
            integrationId: sync.integrationId,
            attempts: failed.attempts,
            error: error.message,
          }),
        );
      }
      result.failed++;
    }
    // The next of this line is tried right here: only the line's last settled sync releases.
    if (last) {
      const released = await releaseRequests(db, sync);
      requests.push(...released);
      result.released += released.length;
    }
    return true;
  };

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
          if (await tryOne(ctx, i === line.length - 1)) continue;
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

/** The requests that let the next delivery of the same integration and object go once `syncId` settled. */
async function releaseAfter(db: Db, syncId: number): Promise<DeliveryRequest[]> {
  const ctx = await getDeliveryContext(db, syncId);
  return ctx ? releaseRequests(db, ctx.sync) : [];
}

/**
 * The deliver-webhook run's one step: a try of one sync (see attemptDelivery for what it returns and
 * throws); when the sync is settled, the release of the next one rides along in `requests`. The
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
  return { outcome, requests: settled ? await releaseAfter(db, syncId) : [] };
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
