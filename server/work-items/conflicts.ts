import "server-only";
import { and, asc, eq, gt } from "drizzle-orm";
import type { Db } from "@/db/client";
import { changeEvents, type WorkItem } from "@/db/schema";
import type { EditConflict } from "@/server/auth/guard";
import { workItemFormValues } from "./form-values";
import type { WorkItemFields } from "./validation";

/** The form's fields a conflict can name (revision is the form's, not a field). */
const FIELDS = Object.keys(workItemFormValues({})) as (keyof ReturnType<typeof workItemFormValues>)[];

/**
 * A save of revision `base` refused because the item is at `current.revision` now: what the others
 * changed since `base` (read back from the item's change events), beside what this save changed, and
 * the values the form should show next: theirs, except where this save changed the same field, where
 * it keeps yours. Nothing is saved; the user looks and saves again on top of the current revision.
 */
export async function describeConflict(
  db: Db,
  current: WorkItem,
  base: number,
  update: Partial<WorkItemFields>,
): Promise<{ conflict: EditConflict; values: Record<string, string> }> {
  const events = await db
    .select({
      revision: changeEvents.revision,
      changes: changeEvents.changes,
      actorName: changeEvents.actorName,
    })
    .from(changeEvents)
    .where(
      and(
        eq(changeEvents.workItemId, current.id),
        eq(changeEvents.subjectType, "workitem"),
        eq(changeEvents.eventType, "workitem_updated"),
        gt(changeEvents.revision, base),
      ),
    )
    .orderBy(asc(changeEvents.revision));

  // The row as this save saw it: the current row with every later change undone, newest first.
  const seen: Record<string, unknown> = { ...current };
  for (const event of [...events].reverse()) {
    for (const [field, { from }] of Object.entries(event.changes)) seen[field] = from;
  }
  const before = workItemFormValues(seen as Partial<WorkItem>);
  const now = workItemFormValues(current);
  const typed = workItemFormValues({ ...(seen as Partial<WorkItem>), ...definedOnly(update) });

  const values: Record<string, string> = { revision: String(current.revision) };
  const fields: EditConflict["fields"] = [];
  for (const field of FIELDS) {
    const yoursChanged = typed[field] !== before[field];
    values[field] = yoursChanged ? typed[field] : now[field];
    if (now[field] !== before[field]) {
      fields.push({ field, theirs: now[field], yours: yoursChanged ? typed[field] : null });
    }
  }
  const by = [...new Set(events.map((e) => e.actorName ?? "Someone"))];
  return { conflict: { revision: current.revision, by, fields }, values };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
