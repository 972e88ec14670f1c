import "server-only";
import { asc, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { changeEvents, type Task, tasks, users, workItems } from "@/db/schema";
import { diffFields, hasChanges } from "@/lib/diff";
import { taskSnapshot, workItemSnapshot } from "./snapshot";
import { type Actor, type CreateResult, newChangeEventId, type UpdateResult } from "./work-items";

export const taskCreatedEventId = (id: number) => `task-created-${id}`;

export async function listTasks(db: Db, workItemId: number): Promise<Task[]> {
  return db.select().from(tasks).where(eq(tasks.workItemId, workItemId)).orderBy(asc(tasks.id));
}

async function parentSnapshot(db: Db, workItemId: number) {
  const [parent] = await db
    .select({ item: workItems, technicianName: users.name })
    .from(workItems)
    .leftJoin(users, eq(users.id, workItems.technicianId))
    .where(eq(workItems.id, workItemId))
    .for("share", { of: workItems });
  return parent ? workItemSnapshot(parent.item, parent.technicianName) : null;
}

function actorColumns(actor: Actor) {
  return { actorId: actor?.id ?? null, actorName: actor?.name ?? null };
}

/** Adds a task and its `task_created` event; the work item itself (and its revision) is untouched. */
export async function createTask(
  db: Db,
  workItemId: number,
  title: string,
  actor: Actor,
): Promise<CreateResult<Task>> {
  return db.transaction(async (tx) => {
    const workItem = await parentSnapshot(tx, workItemId);
    if (!workItem) return { ok: false, reason: "not_found" };
    const now = new Date();
    const [row] = await tx
      .insert(tasks)
      .values({ workItemId, title, createdAt: now, updatedAt: now })
      .returning();
    const events = await tx
      .insert(changeEvents)
      .values({
        id: taskCreatedEventId(row.id),
        eventType: "task_created",
        subjectType: "task",
        subjectId: row.id,
        workItemId,
        revision: row.revision,
        changes: {},
        snapshot: { ...taskSnapshot(row), workItem },
        ...actorColumns(actor),
        createdAt: now,
      })
      .returning();
    return { ok: true, row, events };
  });
}

export type TaskUpdate = { revision: number; title?: string; done?: boolean };

/** Renames or ticks a task if `revision` is current; one `task_updated` event per save that changed something. */
export async function updateTask(
  db: Db,
  taskId: number,
  { revision, ...fields }: TaskUpdate,
  actor: Actor,
): Promise<UpdateResult<Task>> {
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(tasks).where(eq(tasks.id, taskId)).for("update");
    if (!current) return { ok: false, reason: "not_found" };
    if (current.revision !== revision) return { ok: false, reason: "stale", current };
    const changes = diffFields(current as Record<string, unknown>, fields);
    if (!hasChanges(changes)) return { ok: true, changed: false, row: current, events: [] };

    const now = new Date();
    const [row] = await tx
      .update(tasks)
      .set({ ...fields, revision: current.revision + 1, updatedAt: now })
      .where(eq(tasks.id, taskId))
      .returning();
    const workItem = await parentSnapshot(tx, row.workItemId);
    const events = await tx
      .insert(changeEvents)
      .values({
        id: newChangeEventId(),
        eventType: "task_updated",
        subjectType: "task",
        subjectId: row.id,
        workItemId: row.workItemId,
        revision: row.revision,
        changes,
        snapshot: { ...taskSnapshot(row), workItem: workItem! },
        ...actorColumns(actor),
        createdAt: now,
      })
      .returning();
    return { ok: true, changed: true, row, changes, events };
  });
}
