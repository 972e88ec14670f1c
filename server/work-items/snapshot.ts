import { getTableColumns } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import { type Task, tasks, type WorkItem, workItems } from "@/db/schema";

/** A row as JSON: dates as ISO strings, everything else as it is. */
export type JsonRow<T> = {
  [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K];
};

/**
 * Every column of `table`, read off the schema: a column added to the table reaches the change
 * event's snapshot, and with it the webhook body, without a second list of fields to keep in step.
 */
export function rowSnapshot<T extends Record<string, unknown>>(table: PgTable, row: T): JsonRow<T> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(getTableColumns(table))) {
    const value = row[key];
    out[key] =
      value instanceof Date ? value.toISOString() : typeof value === "bigint" ? Number(value) : value;
  }
  return out as JsonRow<T>;
}

/** A work item as plain JSON, the way change events and webhooks carry it, with its technician's name. */
export type WorkItemSnapshot = JsonRow<WorkItem> & { technicianName: string | null };

export type TaskSnapshot = JsonRow<Task>;

export function workItemSnapshot(row: WorkItem, technicianName: string | null): WorkItemSnapshot {
  return { ...rowSnapshot(workItems, row), technicianName: row.technicianId ? technicianName : null };
}

export function taskSnapshot(row: Task): TaskSnapshot {
  return rowSnapshot(tasks, row);
}
