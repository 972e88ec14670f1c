import type { ChangeEvent, Task, WorkItem } from "@/db/schema";

/** A work item as plain JSON, the way change events and webhooks carry it. */
export type WorkItemSnapshot = {
  id: number;
  reference: string;
  title: string;
  description: string;
  customerName: string;
  customerEmail: string | null;
  customerPhone: string | null;
  device: string;
  serialNumber: string | null;
  status: WorkItem["status"];
  priority: WorkItem["priority"];
  priceCents: number | null;
  technicianId: string | null;
  technicianName: string | null;
  revision: number;
  createdAt: string;
  updatedAt: string;
};

export type TaskSnapshot = {
  id: number;
  workItemId: number;
  title: string;
  done: boolean;
  revision: number;
  createdAt: string;
  updatedAt: string;
};

/** Task events carry the task and, under `workItem`, the work item it belongs to. */
export type TaskEventSnapshot = TaskSnapshot & { workItem: WorkItemSnapshot };

export function workItemSnapshot(row: WorkItem, technicianName: string | null): WorkItemSnapshot {
  return {
    id: row.id,
    reference: row.reference,
    title: row.title,
    description: row.description,
    customerName: row.customerName,
    customerEmail: row.customerEmail,
    customerPhone: row.customerPhone,
    device: row.device,
    serialNumber: row.serialNumber,
    status: row.status,
    priority: row.priority,
    priceCents: row.priceCents === null ? null : Number(row.priceCents),
    technicianId: row.technicianId,
    technicianName: row.technicianId ? technicianName : null,
    revision: row.revision,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function taskSnapshot(row: Task): TaskSnapshot {
  return {
    id: row.id,
    workItemId: row.workItemId,
    title: row.title,
    done: row.done,
    revision: row.revision,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * Splits a change event's snapshot into the webhook's `work_item` and `task` parts: work item
 * events snapshot the work item itself; task events snapshot the task with its work item nested.
 */
export function eventSnapshotParts(event: Pick<ChangeEvent, "subjectType" | "snapshot">): {
  workItem: Record<string, unknown>;
  task?: Record<string, unknown>;
} {
  if (event.subjectType === "task") {
    const { workItem, ...task } = event.snapshot as Record<string, unknown> & {
      workItem?: Record<string, unknown>;
    };
    return { workItem: workItem ?? {}, task };
  }
  return { workItem: event.snapshot };
}
