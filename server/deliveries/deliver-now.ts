import { NonRetriableError, RetryAfterError } from "inngest";
import type { Db } from "@/db/client";
import type { IntegrationSync } from "@/db/schema";
import { inngest } from "@/inngest/client";
import { deliveryRequested } from "@/inngest/events";
import { logger } from "@/lib/logger";
import { attemptClaimed, attemptDelivery } from "./attempt";
import { type DeliveryContext, findNextPendingSyncs, markSyncFailed } from "./syncs";

export type DeliverNowResult = {
  synced: number;
  failed: number;
  /** Waiting behind an older delivery, for a paused integration to resume, or for another run's try. */
  waiting: number;
  /** Handed to a deliver-webhook run of their own (it retries with backoff). */
  handedOff: number;
  /** Later deliveries of the same integration and object released by the ones settled here. */
  released: number;
};

/** How many syncs one step tries at once. */
const PARALLEL_TRIES = 16;

type Request = ReturnType<typeof deliveryRequested.create>;

/**
 * The requests that let the next pending delivery of the same integration and object go, now that
 * `settled` is settled. The event id names both, so a repeated release is deduped by the engine.
 */
export async function releaseRequests(
  db: Db,
  settled: Pick<IntegrationSync, "id" | "integrationId" | "contentType" | "objectId" | "revision">,
): Promise<Request[]> {
  const next = await findNextPendingSyncs(db, settled);
  return next.map((id) =>
    deliveryRequested.create({ syncId: id, trigger: "automatic" }, { id: `sync-${id}-after-${settled.id}` }),
  );
}

/**
 * The first try of a change event's syncs (one per integration), inside the fan-out step that created
 * them, so the usual case costs one engine round trip per change event instead of one run per sync.
 *
 * A retryable failure gets a deliver-webhook run of its own (a receiver's Retry-After rides along as
 * `notBefore`); a sync that waits behind an older delivery, a paused integration or another run's try
 * is released later by whatever it waits for. A 4xx that must not be retried fails the sync here.
 * Whatever settled releases the next pending delivery of its integration and object.
 *
 * Safe to run again (a retried step): settled syncs are skipped, the run id is the lease `claimant`
 * (see attemptDelivery), and every request has an event id the engine dedupes.
 */
export async function deliverNow(
  db: Db,
  syncs: DeliveryContext[],
  claimant: string,
): Promise<DeliverNowResult> {
  const result: DeliverNowResult = { synced: 0, failed: 0, waiting: 0, handedOff: 0, released: 0 };
  const requests: Request[] = [];

  const tryOne = async (ctx: DeliveryContext) => {
    const { sync } = ctx;
    try {
      // A row the fan-out just created is already leased to it, with its context loaded.
      const outcome =
        sync.status === "pending" && sync.claimedBy === claimant
          ? await attemptClaimed(db, ctx, "automatic", claimant)
          : await attemptDelivery(db, sync.id, "automatic", claimant);
      if (outcome.outcome === "waiting" || outcome.outcome === "paused" || outcome.outcome === "in-flight") {
        result.waiting++;
        return;
      }
      if (outcome.outcome === "synced") result.synced++;
    } catch (error) {
      if (!(error instanceof NonRetriableError)) {
        const notBefore = error instanceof RetryAfterError ? error.retryAfter : undefined;
        requests.push(
          deliveryRequested.create(
            { syncId: sync.id, trigger: "automatic", ...(notBefore ? { notBefore } : {}) },
            { id: `sync-${sync.id}` },
          ),
        );
        result.handedOff++;
        return;
      }
      await markSyncFailed(db, sync.id, error.message);
      result.failed++;
    }
    const released = await releaseRequests(db, sync);
    requests.push(...released);
    result.released += released.length;
  };

  const queue = [...syncs];
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL_TRIES, queue.length) }, async () => {
      for (let ctx = queue.shift(); ctx; ctx = queue.shift()) await tryOne(ctx);
    }),
  );

  if (requests.length > 0) {
    // If this throws, the step is retried: settled syncs are skipped and the ids dedupe the requests.
    await inngest.send(requests);
    logger.debug({ requests: requests.length }, "Requested delivery runs");
  }
  return result;
}
