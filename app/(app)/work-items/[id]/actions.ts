"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db/client";
import { type ActionResult, actorOf, defineAction, INVALID_INPUT_MESSAGE } from "@/server/auth/guard";
import { dispatchChangeEvents } from "@/server/deliveries/outbox";
import { describeConflict } from "@/server/work-items/conflicts";
import { workItemFormValues } from "@/server/work-items/form-values";
import { createTask, updateTask } from "@/server/work-items/tasks";
import {
  NO_CHANGES_MESSAGE,
  staleTaskMessage,
  staleWorkItemMessage,
  taskCreateSchema,
  taskUpdateActionSchema,
  workItemUpdateActionSchema,
} from "@/server/work-items/validation";
import { updateWorkItem } from "@/server/work-items/work-items";

export type SaveResult = { revision: number; changed: boolean };
/** A task save also returns the task as saved, so its row can show it even if a stale refresh lands later. */
export type TaskSaveResult = SaveResult & {
  task: { id: number; title: string; done: boolean; revision: number };
};

const GONE_MESSAGE = "This work item no longer exists.";

function revalidateWorkItem(id: number) {
  revalidatePath(`/work-items/${id}`);
  revalidatePath("/work-items");
  revalidatePath("/");
}

export const updateWorkItemAction = defineAction(
  { role: "technician", schema: workItemUpdateActionSchema, name: "workItems.update" },
  async ({ id, ...update }, user): Promise<ActionResult<SaveResult>> => {
    const result = await updateWorkItem(getDb(), id, update, actorOf(user));
    if (!result.ok) {
      if (result.reason === "not_found") return { ok: false, message: GONE_MESSAGE };
      if (result.reason === "stale") {
        // Their changes beside the user's; the form shows theirs where the user did not type, so nothing
        // either side saved or typed is lost, and the next save goes on top of the current revision.
        const { conflict, values } = await describeConflict(getDb(), result.current, update.revision, update);
        return { ok: false, message: staleWorkItemMessage(result.current.revision), values, conflict };
      }
      // What the user typed comes back (with the revision they edited), so nothing they typed is lost.
      const typed = workItemFormValues(update);
      return { ok: false, message: INVALID_INPUT_MESSAGE, fieldErrors: result.fieldErrors, values: typed };
    }
    if (!result.changed) {
      return {
        ok: true,
        data: { revision: result.row.revision, changed: false },
        message: NO_CHANGES_MESSAGE,
      };
    }
    await dispatchChangeEvents(result.events);
    revalidateWorkItem(id);
    return { ok: true, data: { revision: result.row.revision, changed: true }, message: "Saved" };
  },
);

export const createTaskAction = defineAction(
  { role: "technician", schema: taskCreateSchema, name: "tasks.create" },
  async ({ workItemId, title }, user): Promise<ActionResult<{ id: number }>> => {
    const result = await createTask(getDb(), workItemId, title, actorOf(user));
    if (!result.ok) return { ok: false, message: GONE_MESSAGE };
    await dispatchChangeEvents(result.events);
    revalidateWorkItem(workItemId);
    return { ok: true, data: { id: result.row.id }, message: "Task added" };
  },
);

export const updateTaskAction = defineAction(
  { role: "technician", schema: taskUpdateActionSchema, name: "tasks.update" },
  async ({ taskId, workItemId, ...update }, user): Promise<ActionResult<TaskSaveResult>> => {
    const result = await updateTask(getDb(), taskId, update, actorOf(user));
    if (!result.ok) {
      if (result.reason === "stale") {
        return {
          ok: false,
          message: staleTaskMessage(result.current.revision),
          values: { title: update.title ?? result.current.title },
        };
      }
      return { ok: false, message: "This task no longer exists." };
    }
    const { id, title, done, revision } = result.row;
    const task = { id, title, done, revision };
    if (!result.changed) {
      return { ok: true, data: { revision, changed: false, task }, message: NO_CHANGES_MESSAGE };
    }
    await dispatchChangeEvents(result.events);
    revalidateWorkItem(workItemId);
    return { ok: true, data: { revision, changed: true, task }, message: "Saved" };
  },
);
