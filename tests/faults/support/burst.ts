import type { ChangeEvent } from "@/db/schema";
import { ACTOR, BASE_ITEM, type FaultStack, pool } from "./harness";

/** Filled in as the burst goes, so a test can strike in the middle of it. */
export type BurstResult = {
  saves: number;
  /** Saves that threw: the message with its causes (drizzle wraps the driver's error). */
  failures: { message: string }[];
  /** Saves that committed but whose after-commit send threw: their events wait in the outbox. */
  dispatchFailures?: { message: string }[];
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
      await dispatch.dispatchChangeEvents(created.events, db.db).catch((error: Error) => {
        dispatchFailures.push({ message: errorChain(error) });
      });
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
          for (let tries = 0; tries < 200; tries++) {
            const row = await queries.getWorkItem(db.db, created.row.id).catch(() => undefined);
            if (row) {
              revision = row.revision;
              break;
            }
            await new Promise((r) => setTimeout(r, 50));
          }
          continue;
        }
        if (!saved.ok || !saved.changed) throw new Error(`unexpected save result ${JSON.stringify(saved)}`);
        result.saves++;
        result.committedEvents.push(...saved.events);
        revision = saved.row.revision;
        await dispatch.dispatchChangeEvents(saved.events, db.db).catch((error: Error) => {
          dispatchFailures.push({ message: errorChain(error) });
        });
      }
    },
  );
  return result;
}
