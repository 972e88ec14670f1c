import "server-only";
import { and, asc, count, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type WorkItemPriority, type WorkItemStatus, workItems } from "@/db/schema";

/** What is still on the bench: the statuses a technician works through. */
export const OPEN_STATUSES = ["new", "in_progress", "waiting_parts"] as const satisfies WorkItemStatus[];

export type WorkCard = {
  id: number;
  reference: string;
  title: string;
  customerName: string;
  device: string;
  status: WorkItemStatus;
  priority: WorkItemPriority;
  updatedAt: string;
};

export type RecentCard = WorkCard & { changedBy: string | null };

export type MyWork = {
  assigned: { rows: WorkCard[]; total: number };
  waitingParts: { rows: WorkCard[]; total: number };
  recent: RecentCard[];
};

const card = {
  id: workItems.id,
  reference: workItems.reference,
  title: workItems.title,
  customerName: workItems.customerName,
  device: workItems.device,
  status: workItems.status,
  priority: workItems.priority,
  updatedAt: sql<string>`${workItems.updatedAt}`.mapWith((v) => new Date(v).toISOString()),
};

/**
 * A technician's home: their open items (express first, then the most recently touched), the shop's
 * items waiting for parts (the longest waiting first: those are the ones to chase) and the items
 * anyone changed last, with who saved them. Each list is short; the totals say how many more the
 * work-items list holds.
 */
export async function getMyWork(db: Db, userId: string, limit = 6): Promise<MyWork> {
  const mine = and(eq(workItems.technicianId, userId), inArray(workItems.status, OPEN_STATUSES));
  const waiting = eq(workItems.status, "waiting_parts");
  // The last save's author: the item's newest change event (change_events_work_item_created_idx).
  const changedBy = sql<string | null>`(
    select ce.actor_name from change_events ce
    where ce.work_item_id = "work_items"."id"
    order by ce.created_at desc limit 1)`;
  const [assigned, [assignedTotal], waitingParts, [waitingTotal], recent] = await Promise.all([
    db
      .select(card)
      .from(workItems)
      .where(mine)
      .orderBy(desc(workItems.priority), desc(workItems.updatedAt), desc(workItems.id))
      .limit(limit),
    db.select({ n: count() }).from(workItems).where(mine),
    db
      .select(card)
      .from(workItems)
      .where(waiting)
      .orderBy(asc(workItems.updatedAt), asc(workItems.id))
      .limit(limit),
    db.select({ n: count() }).from(workItems).where(waiting),
    db
      .select({ ...card, changedBy })
      .from(workItems)
      .orderBy(desc(workItems.updatedAt), desc(workItems.id))
      .limit(limit),
  ]);
  return {
    assigned: { rows: assigned, total: assignedTotal.n },
    waitingParts: { rows: waitingParts, total: waitingTotal.n },
    recent,
  };
}
