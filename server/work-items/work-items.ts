import "server-only";
import { randomUUID } from "node:crypto";
import { and, asc, desc, eq, inArray, or, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { type Db, rowsOf } from "@/db/client";
import { recordsetOf } from "@/db/recordset";
import {
  type ChangeEvent,
  changeEvents,
  users,
  WORK_ITEM_STATUSES,
  type WorkItem,
  type WorkItemStatus,
  workItemSearch,
  workItems,
} from "@/db/schema";
import { diffFields, type FieldChanges, hasChanges } from "@/lib/diff";
import { DEFAULT_LIST_PARAMS, type WorkItemListParams, type WorkItemSortKey } from "./list-params";
import { workItemSnapshot } from "./snapshot";
import type { WorkItemFields } from "./validation";

/** Who made a change; null for system changes (seed, scripts). */
export type Actor = { id: string; name: string } | null;

export type WorkItemRow = WorkItem & { technicianName: string | null };

type FieldErrors = Record<string, string[]>;

export type CreateResult<T> =
  | { ok: true; row: T; events: ChangeEvent[] }
  | { ok: false; reason: "invalid"; fieldErrors: FieldErrors }
  | { ok: false; reason: "not_found" };

export type UpdateResult<T> =
  | { ok: true; changed: true; row: T; changes: FieldChanges; events: ChangeEvent[] }
  | { ok: true; changed: false; row: T; events: [] }
  | { ok: false; reason: "stale"; current: T }
  | { ok: false; reason: "not_found" }
  | { ok: false; reason: "invalid"; fieldErrors: FieldErrors };

export const workItemCreatedEventId = (id: number) => `workitem-created-${id}`;
export const newChangeEventId = () => `evt_${randomUUID()}`;

const SORT_COLUMNS: Record<Exclude<WorkItemSortKey, "relevance">, SQL | typeof workItems.reference> = {
  reference: workItems.reference,
  title: sql`lower(${workItems.title})`,
  customer: sql`lower(${workItems.customerName})`,
  status: sql`${workItems.status}`,
  priority: sql`${workItems.priority}`,
  updated: sql`${workItems.updatedAt}`,
};

/**
 * The search's query, computed once per statement (a function in FROM, not a call per row):
 * `work_item_search_query` (migration 0010) folds accents and case the way the documents were, makes every
 * word a prefix and requires all of them.
 */
const searchQuery = (q: string) => sql`work_item_search_query(${q}) as search(query)`;
const SEARCH_MATCHES = sql`${workItemSearch.document} @@ search.query`;
/** Weights A–D (reference and title, customer/device/serial, tasks, description) as ts_rank's defaults. */
const SEARCH_RANK = sql`ts_rank(${workItemSearch.document}, search.query)`;

export type ListWorkItemsParams = Partial<WorkItemListParams>;

/** One page of work items, filtered and sorted in the database, with the total for pagination. */
export async function listWorkItems(
  db: Db,
  params: ListWorkItemsParams = {},
): Promise<{ rows: WorkItemRow[]; total: number }> {
  const p = { ...DEFAULT_LIST_PARAMS, ...params };
  const conditions: SQL[] = [];
  if (p.q) conditions.push(SEARCH_MATCHES);
  if (p.status.length) conditions.push(inArray(workItems.status, p.status));
  if (p.priority.length) conditions.push(inArray(workItems.priority, p.priority));
  if (p.technicianId) conditions.push(eq(workItems.technicianId, p.technicianId));
  const where = conditions.length ? and(...conditions) : undefined;

  const order = p.dir === "asc" ? asc : desc;
  const orderBy =
    p.sort !== "relevance"
      ? [order(SORT_COLUMNS[p.sort]), order(workItems.id)]
      : p.q
        ? [desc(SEARCH_RANK), desc(workItems.updatedAt), desc(workItems.id)]
        : [desc(workItems.updatedAt), desc(workItems.id)];
  const pageSize = Math.max(1, Math.min(p.pageSize, 100));
  const page = Math.max(1, p.page);

  const list = db
    .select({ item: workItems, technicianName: users.name })
    .from(workItems)
    .leftJoin(users, eq(users.id, workItems.technicianId))
    .$dynamic();
  const count = db.select({ total: sql<number>`count(*)::int` }).from(workItems).$dynamic();
  if (p.q) {
    // Dynamic builders join in place.
    for (const query of [list, count]) {
      query
        .innerJoin(workItemSearch, eq(workItemSearch.workItemId, workItems.id))
        .innerJoin(searchQuery(p.q), sql`true`);
    }
  }
  const [rows, [{ total }]] = await Promise.all([
    list
      .where(where)
      .orderBy(...orderBy)
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    count.where(where),
  ]);
  return { rows: rows.map((r) => ({ ...r.item, technicianName: r.technicianName })), total };
}

export async function getWorkItem(db: Db, id: number): Promise<WorkItemRow | null> {
  const [row] = await db
    .select({ item: workItems, technicianName: users.name })
    .from(workItems)
    .leftJoin(users, eq(users.id, workItems.technicianId))
    .where(eq(workItems.id, id));
  return row ? { ...row.item, technicianName: row.technicianName } : null;
}

export async function getWorkItemByReference(db: Db, reference: string): Promise<WorkItemRow | null> {
  const [row] = await db
    .select({ item: workItems, technicianName: users.name })
    .from(workItems)
    .leftJoin(users, eq(users.id, workItems.technicianId))
    .where(eq(workItems.reference, reference.trim().toUpperCase()));
  return row ? { ...row.item, technicianName: row.technicianName } : null;
}

export async function countWorkItemsByStatus(db: Db): Promise<Record<WorkItemStatus, number>> {
  const rows = await db
    .select({ status: workItems.status, count: sql<number>`count(*)::int` })
    .from(workItems)
    .groupBy(workItems.status);
  const counts = Object.fromEntries(WORK_ITEM_STATUSES.map((s) => [s, 0])) as Record<WorkItemStatus, number>;
  for (const row of rows) counts[row.status] = row.count;
  return counts;
}

/** The latest change to the work item itself (not its tasks): who saved it last. */
export async function getLatestWorkItemChange(db: Db, workItemId: number): Promise<ChangeEvent | null> {
  const [event] = await db
    .select()
    .from(changeEvents)
    .where(and(eq(changeEvents.workItemId, workItemId), eq(changeEvents.subjectType, "workitem")))
    .orderBy(desc(changeEvents.revision), desc(changeEvents.createdAt))
    .limit(1);
  return event ?? null;
}

export type WorkItemRevision = {
  revision: number;
  updatedAt: string;
  updatedBy: { id: string | null; name: string | null } | null;
};

/** The item's revision and its last save's author (the newest change event of that revision). */
export async function getWorkItemRevision(db: Db, id: number): Promise<WorkItemRevision | null> {
  const [row] = await db
    .select({ revision: workItems.revision, updatedAt: workItems.updatedAt })
    .from(workItems)
    .where(eq(workItems.id, id));
  if (!row) return null;
  const latest = await getLatestWorkItemChange(db, id);
  return {
    revision: row.revision,
    updatedAt: row.updatedAt.toISOString(),
    updatedBy:
      latest && latest.revision === row.revision ? { id: latest.actorId, name: latest.actorName } : null,
  };
}

async function technicianName(db: Db, technicianId: string | null): Promise<string | null | undefined> {
  if (!technicianId) return null;
  const [user] = await db.select({ name: users.name }).from(users).where(eq(users.id, technicianId));
  return user?.name;
}

const UNKNOWN_TECHNICIAN: FieldErrors = { technicianId: ["Choose a technician from the list"] };

function actorColumns(actor: Actor) {
  return { actorId: actor?.id ?? null, actorName: actor?.name ?? null };
}

/** Creates a work item and its `workitem_created` event in one transaction. */
export async function createWorkItem(
  db: Db,
  input: WorkItemFields,
  actor: Actor,
): Promise<CreateResult<WorkItemRow>> {
  return db.transaction(async (tx) => {
    const name = await technicianName(tx, input.technicianId);
    if (name === undefined) return { ok: false, reason: "invalid", fieldErrors: UNKNOWN_TECHNICIAN };
    const now = new Date();
    const [row] = await tx
      .insert(workItems)
      .values({ ...input, revision: 1, createdAt: now, updatedAt: now })
      .returning();
    const events = await tx
      .insert(changeEvents)
      .values({
        id: workItemCreatedEventId(row.id),
        eventType: "workitem_created",
        subjectType: "workitem",
        subjectId: row.id,
        workItemId: row.id,
        revision: row.revision,
        changes: {},
        snapshot: workItemSnapshot(row, name),
        ...actorColumns(actor),
        createdAt: now,
      })
      .returning();
    return { ok: true, row: { ...row, technicianName: name }, events };
  });
}

export type WorkItemUpdate = Partial<WorkItemFields> & { revision: number };

/** The technician a save assigns, joined beside the current one. */
const assigned = alias(users, "assigned");

/**
 * Saves the edited fields if `revision` is still the current one: of two concurrent saves of the same
 * revision exactly one wins and the other gets `stale`. Two statements, no transaction around them: a
 * read of the row with its technician's name (and the name of the one the save assigns), then one
 * statement that updates the row only if its revision is still the one read and, in the same statement,
 * records the change events (the outbox) only if the row was updated. The row written is the row read
 * with the edited fields, so the events' snapshot is computed before the write. A save that changes
 * nothing writes nothing and records no event.
 */
export async function updateWorkItem(
  db: Db,
  id: number,
  { revision, ...fields }: WorkItemUpdate,
  actor: Actor,
): Promise<UpdateResult<WorkItemRow>> {
  const [found] = await db
    .select({ item: workItems, technicianName: users.name, assignedName: assigned.name })
    .from(workItems)
    .leftJoin(users, eq(users.id, workItems.technicianId))
    .leftJoin(assigned, fields.technicianId ? eq(assigned.id, fields.technicianId) : sql`false`)
    .where(eq(workItems.id, id));
  if (!found) return { ok: false, reason: "not_found" };
  const current = found.item;
  const currentRow = { ...current, technicianName: found.technicianName };
  if (current.revision !== revision) return { ok: false, reason: "stale", current: currentRow };

  const changes = diffFields(current as Record<string, unknown>, fields as Record<string, unknown>);
  if (!hasChanges(changes)) return { ok: true, changed: false, row: currentRow, events: [] };

  let name = found.technicianName;
  if ("technicianId" in changes) {
    if (fields.technicianId && found.assignedName === null) {
      return { ok: false, reason: "invalid", fieldErrors: UNKNOWN_TECHNICIAN };
    }
    name = fields.technicianId ? found.assignedName : null;
  }

  const now = new Date();
  const patch = Object.fromEntries(
    Object.keys(changes).map((key) => [key, fields[key as keyof typeof fields]]),
  ) as Partial<WorkItem>;
  const row: WorkItem = { ...current, ...patch, revision: current.revision + 1, updatedAt: now };
  const base = {
    subjectType: "workitem" as const,
    subjectId: row.id,
    workItemId: row.id,
    revision: row.revision,
    snapshot: workItemSnapshot(row, name),
    ...actorColumns(actor),
    createdAt: now,
    dispatchedAt: null,
  };
  const events: ChangeEvent[] = [{ ...base, id: newChangeEventId(), eventType: "workitem_updated", changes }];
  if (changes.status) {
    events.push({
      ...base,
      id: newChangeEventId(),
      eventType: "workitem_status_changed",
      changes: { status: changes.status },
    });
  }

  const update = db
    .update(workItems)
    .set({ ...patch, revision: row.revision, updatedAt: now })
    .where(and(eq(workItems.id, id), eq(workItems.revision, revision)))
    .returning({ id: workItems.id });
  const { columns, recordset } = recordsetOf(changeEvents, events);
  const written = rowsOf<{ id: string }>(
    // drizzle puts the embedded update in parentheses: `with updated as (update … returning id)`.
    await db.execute(sql`
      with updated as ${update}
      insert into ${changeEvents} (${columns})
      select r.* from updated, ${recordset}
      returning ${changeEvents.id}`),
  );
  if (written.length === 0) {
    // Someone saved (or deleted the item) between the read and the write.
    const latest = await getWorkItem(db, id);
    return latest ? { ok: false, reason: "stale", current: latest } : { ok: false, reason: "not_found" };
  }
  return { ok: true, changed: true, row: { ...row, technicianName: name }, changes, events };
}

export type Technician = { id: string; name: string; role: string };

/** Everyone who can be assigned a work item (any role), by name. */
export async function listTechnicians(db: Db): Promise<Technician[]> {
  return db
    .select({ id: users.id, name: users.name, role: users.role })
    .from(users)
    .where(or(eq(users.banned, false), sql`${users.banned} is null`))
    .orderBy(asc(users.name));
}
