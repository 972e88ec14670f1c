import { PRIORITY_LABELS, STATUS_LABELS } from "@/components/work-items/labels";
import type { Task, WorkItem, WorkItemPriority, WorkItemStatus } from "@/db/schema";
import type { FieldChanges } from "@/lib/diff";

/**
 * Columns of work_items and tasks that no save changes (keys, bookkeeping, the parent link): every
 * other column can show up in a change event's `changes` (updateWorkItem / updateTask diff the row).
 */
export const SYSTEM_COLUMNS = [
  "id",
  "reference",
  "revision",
  "createdAt",
  "updatedAt",
  "workItemId",
] as const satisfies readonly (keyof WorkItem | keyof Task)[];
type SystemColumn = (typeof SYSTEM_COLUMNS)[number];

/**
 * Every field a work item or task change can carry, from the schema's row types: a column added to
 * db/schema makes FIELD_LABELS (and so this module) fail the type check until it has a label.
 */
export type ChangedField = Exclude<keyof WorkItem | keyof Task, SystemColumn>;

export const FIELD_LABELS: Record<ChangedField, string> = {
  title: "Title",
  description: "Description",
  customerName: "Customer",
  customerEmail: "Customer e-mail",
  customerPhone: "Customer phone",
  device: "Device",
  serialNumber: "Serial number",
  status: "Status",
  priority: "Priority",
  priceCents: "Price",
  technicianId: "Technician",
  done: "Done",
};

/** Field order in the words, so the most telling change comes first. */
const FIELD_ORDER: ChangedField[] = [
  "status",
  "priceCents",
  "technicianId",
  "priority",
  "done",
  "title",
  "device",
  "serialNumber",
  "customerName",
  "customerEmail",
  "customerPhone",
  "description",
];
const ORDER_OF = new Map<string, number>(FIELD_ORDER.map((f, i) => [f, i]));

const EMPTY_VALUE = "—";
const MAX_VALUE_LENGTH = 60;

export type ChangeLine = { field: string; label: string; from: string; to: string; text: string };

export type ChangeWordsContext = {
  /** User id → name, for technician changes. */
  userNames?: Record<string, string>;
};

/** 9500 → "95.00", without floating-point arithmetic. */
function formatCents(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(Math.trunc(cents));
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > MAX_VALUE_LENGTH ? `${oneLine.slice(0, MAX_VALUE_LENGTH - 1)}…` : oneLine;
}

function humanize(field: string): string {
  const spaced = field.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/_/g, " ");
  return spaced.charAt(0).toUpperCase() + spaced.slice(1).toLowerCase();
}

/** One value of one field, in the words the shop uses (labels for enums, 120.00 for prices). */
function formatFieldValue(field: string, value: unknown, context: ChangeWordsContext = {}): string {
  if (value === null || value === undefined || value === "") {
    return field === "technicianId" ? "Unassigned" : EMPTY_VALUE;
  }
  switch (field as ChangedField) {
    case "status":
      return STATUS_LABELS[value as WorkItemStatus] ?? String(value);
    case "priority":
      return PRIORITY_LABELS[value as WorkItemPriority] ?? String(value);
    case "priceCents":
      return typeof value === "number" ? formatCents(value) : String(value);
    case "technicianId":
      return context.userNames?.[String(value)] ?? "a former user";
    case "done":
      return value ? "Yes" : "No";
    default:
      return typeof value === "string" ? shorten(value) : shorten(JSON.stringify(value));
  }
}

export function fieldLabel(field: string): string {
  return (FIELD_LABELS as Record<string, string>)[field] ?? humanize(field);
}

/** `{ status: { from: "new", to: "in_progress" } }` → "Status: New → In progress", one line per field. */
export function describeChanges(changes: FieldChanges, context: ChangeWordsContext = {}): ChangeLine[] {
  return Object.entries(changes)
    .sort(([a], [b]) => (ORDER_OF.get(a) ?? 99) - (ORDER_OF.get(b) ?? 99) || a.localeCompare(b))
    .map(([field, { from, to }]) => {
      const label = fieldLabel(field);
      const fromText = formatFieldValue(field, from, context);
      const toText = formatFieldValue(field, to, context);
      return { field, label, from: fromText, to: toText, text: `${label}: ${fromText} → ${toText}` };
    });
}
