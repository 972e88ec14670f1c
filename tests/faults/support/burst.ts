import { and, inArray, isNotNull } from "drizzle-orm";
import { vi } from "vitest";
import { type ChangeEvent, changeEvents } from "@/db/schema";
import { ACTOR, BASE_ITEM, type FaultStack, pool } from "./harness";

/** Filled in as the burst goes, so a test can strike in the middle of it. */
export type BurstResult = {
  saves: number;
  /** Saves that threw: the message with its causes (drizzle wraps the driver's error). */
  failures: { message: string }[];
  /**
   * Saves that committed but whose after-commit send did not get through: their change events were
   * not marked dispatched when dispatchChangeEvents returned (it never throws; the outbox sends them).
   */
  dispatchFailures?: { changeEventIds: string[] }[];
  /** Events of the saves whose transaction committed (the ones that must be delivered). */
  committedEvents: ChangeEvent[];
};

/**
 * `items` work items, each created and then saved `updates` times, `concurrency` at a time, through
 * the app's queries and after-commit dispatch (as the server actions and the JSON API do). A save that
 * throws is recorded, not retried: the caller decides what a failure may look like.
 */
export async function saveBurst(
  stack: FaultStack,
  {
    items,
    updates,
    concurrency = 10,
    label = "Burst",
    result = { saves: 0, failures: [], committedEvents: [] },
  }: { items: number; updates: number; concurrency?: number; label?: string; result?: BurstResult },
): Promise<BurstResult> {
  const { queries, dispatch, db } = stack;
  const errorChain = (error: unknown): string => {
    const parts: string[] = [];
    for (
      let e = error as { message?: string; cause?: unknown } | undefined;
      e && parts.length < 5;
      e = e.cause as never
    )
      parts.push(String(e.message ?? e).split("\n")[0]);
    return parts.join(" ← ");
  };
  result.dispatchFailures ??= [];
  const dispatchFailures = result.dispatchFailures;
  const attempt = async <T extends { ok: boolean }>(save: () => Promise<T>): Promise<T | null> => {
    try {
      return await save();
    } catch (error) {
      result.failures.push({ message: errorChain(error) });
      return null;
    }
  };
  /** A read retried while the database is away. */
  const readBack = <T>(read: () => Promise<T>): Promise<T> =>
    vi.waitFor(read, { timeout: 60_000, interval: 50 });
  /** The after-commit send, then a read-back of whether it marked the events dispatched. */
  const dispatchAfterCommit = async (events: ChangeEvent[]) => {
    await dispatch.dispatchChangeEvents(events, db.db);
    const ids = events.map((e) => e.id);
    // One read, not retried: a worker waiting here for the database to come back would stop saving, and
    // the saves that fail while it is down are what the test watches for. A read that fails leaves the
    // events "not seen sent" (a superset is what the callers' checks need).
    const dispatched = await db.db
      .select({ id: changeEvents.id })
      .from(changeEvents)
      .where(and(inArray(changeEvents.id, ids), isNotNull(changeEvents.dispatchedAt)))
      .catch(() => [] as { id: string }[]);
    const notSent = ids.filter((id) => !dispatched.some((row) => row.id === id));
    if (notSent.length > 0) dispatchFailures.push({ changeEventIds: notSent });
  };
  await pool(
    Array.from({ length: items }, (_, i) => i),
    concurrency,
    async (i) => {
      const created = await attempt(() =>
        queries.createWorkItem(db.db, { ...BASE_ITEM, title: `${label} ${i}` }, ACTOR),
      );
      if (!created?.ok) return;
      result.saves++;
      result.committedEvents.push(...created.events);
      await dispatchAfterCommit(created.events);
      let revision = created.row.revision;
      for (let u = 1; u <= updates; u++) {
        const saved = await attempt(() =>
          queries.updateWorkItem(
            db.db,
            created.row.id,
            { revision, description: `${label} ${i} save ${u}` },
            ACTOR,
          ),
        );
        if (!saved) {
          // After a failed save the revision is unknown: read it back (retrying while the database is away).
          const row = await readBack(async () => {
            const current = await queries.getWorkItem(db.db, created.row.id);
            if (!current) throw new Error(`work item ${created.row.id} not found`);
            return current;
          });
          revision = row.revision;
          continue;
        }
        if (!saved.ok || !saved.changed) throw new Error(`unexpected save result ${JSON.stringify(saved)}`);
        result.saves++;
        result.committedEvents.push(...saved.events);
        revision = saved.row.revision;
        await dispatchAfterCommit(saved.events);
      }
    },
  );
  return result;
}
