import { NonRetriableError, RetryAfterError } from "inngest";
import type { Db } from "@/db/client";
import { type DeliveryContext, findNextPendingSyncs, markSyncFailed } from "@/db/queries/syncs";
import type { IntegrationSync } from "@/db/schema";
import { logger } from "@/lib/logger";
import { inngest } from "./client";
import { attemptClaimed, attemptDelivery } from "./delivery";
import { deliveryRequested } from "./events";

export type SyncRef = Pick<
  IntegrationSync,
  "id" | "integrationId" | "contentType" | "objectId" | "revision"
> & {
  /** The loaded context when the caller created the row leased to this claimant (skips two round trips). */
  ctx?: DeliveryContext;
};

export type DeliverNowResult = {
  synced: number;
  failed: number;
  /** Waiting behind an older delivery, or for a paused integration to resume. */
  waiting: number;
  /** Handed to a deliver-webhook run of their own (it retries with backoff). */
  handedOff: number;
  /** Later deliveries of the same integration and object released by the ones settled here. */
  released: number;
};

/** How many integration/object chains one step works on at once. */
const PARALLEL_CHAINS = 16;

type Request = ReturnType<typeof deliveryRequested.create>;

/**
 * The first try of freshly created syncs, inside the fan-out step that created them, so the usual
 * case costs one engine round trip per change event instead of one run per sync.
 *
 * Syncs of one integration and object go one after the other in revision order (chains in parallel).
 * A sync that cannot settle now stops its chain: a retryable failure gets a deliver-webhook run of its
 * own (a receiver's Retry-After rides along as `notBefore`); one that waits behind an older delivery
 * or a paused integration is released later by whatever it waits for. A 4xx that must not be retried
 * fails the sync here. Whatever settled releases the next pending delivery of its chain.
 *
 * Safe to run again (a retried step): settled syncs are skipped, the run id is the lease `claimant`
 * (see attemptDelivery), and every request has an event id the engine dedupes.
 */
export async function deliverNow(db: Db, syncs: SyncRef[], claimant: string): Promise<DeliverNowResult> {
  const result: DeliverNowResult = { synced: 0, failed: 0, waiting: 0, handedOff: 0, released: 0 };
  const chains = new Map<string, SyncRef[]>();
  for (const sync of syncs) {
    const key = `${sync.integrationId}:${sync.contentType}:${sync.objectId}`;
    const chain = chains.get(key);
    if (chain) chain.push(sync);
    else chains.set(key, [sync]);
  }
  const requests: Request[] = [];

  const runChain = async (chain: SyncRef[]) => {
    chain.sort((a, b) => a.revision - b.revision || a.id - b.id);
    let lastSettled: SyncRef | undefined;
    for (const [index, sync] of chain.entries()) {
      // Only the head of a chain may use its preloaded lease: later ones wait for it, and a lease can
      // run out meanwhile, so they claim again.
      const fresh =
        index === 0 && sync.ctx?.sync.status === "pending" && sync.ctx.sync.claimedBy === claimant;
      try {
        const outcome =
          fresh && sync.ctx
            ? await attemptClaimed(db, sync.ctx, "automatic", claimant)
            : await attemptDelivery(db, sync.id, "automatic", claimant);
        if (outcome.outcome === "synced") {
          result.synced++;
        } else if (
          outcome.outcome === "waiting" ||
          outcome.outcome === "paused" ||
          outcome.outcome === "in-flight"
        ) {
          result.waiting++;
          break;
        }
        lastSettled = sync;
      } catch (error) {
        if (error instanceof NonRetriableError) {
          await markSyncFailed(db, sync.id, error.message);
          result.failed++;
          lastSettled = sync;
          continue;
        }
        const notBefore = error instanceof RetryAfterError ? error.retryAfter : undefined;
        requests.push(
          deliveryRequested.create(
            { syncId: sync.id, trigger: "automatic", ...(notBefore ? { notBefore } : {}) },
            { id: `sync-${sync.id}` },
          ),
        );
        result.handedOff++;
        break;
      }
    }
    if (lastSettled) {
      const next = await findNextPendingSyncs(db, lastSettled);
      for (const id of next) {
        requests.push(
          deliveryRequested.create(
            { syncId: id, trigger: "automatic" },
            { id: `sync-${id}-after-${lastSettled.id}` },
          ),
        );
      }
      result.released += next.length;
    }
  };

  const queue = [...chains.values()];
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL_CHAINS, queue.length) }, async () => {
      for (let chain = queue.shift(); chain; chain = queue.shift()) await runChain(chain);
    }),
  );

  if (requests.length > 0) {
    // If this throws, the step is retried: settled syncs are skipped and the ids dedupe the requests.
    await inngest.send(requests);
    logger.debug({ requests: requests.length }, "Requested delivery runs");
  }
  return result;
}
