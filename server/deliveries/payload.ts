import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type ChangeEvent, workItems } from "@/db/schema";

type JsonSnapshot = Record<string, unknown>;

type FieldChanges = Record<string, { from: unknown; to: unknown }>;

export interface WebhookBody {
  id: string;
  type: string;
  occurred_at: string;
  revision: number;
  work_item: JsonSnapshot;
  task?: JsonSnapshot;
  changes: FieldChanges;
  actor: JsonSnapshot | null;
}

export interface BuildWebhookBodyInput {
  changeEventId: string;
  type: string;
  occurredAt: Date | string;
  revision: number;
  workItem: JsonSnapshot;
  task?: JsonSnapshot | null;
  changes: FieldChanges;
  actor: JsonSnapshot | null;
}

const BODY_KEY_ORDER: readonly (keyof WebhookBody)[] = [
  "id",
  "type",
  "occurred_at",
  "revision",
  "work_item",
  "task",
  "changes",
  "actor",
];

export function buildWebhookBody({
  changeEventId,
  type,
  occurredAt,
  revision,
  workItem,
  task,
  changes,
  actor,
}: BuildWebhookBodyInput): WebhookBody {
  return {
    id: changeEventId,
    type,
    occurred_at: new Date(occurredAt).toISOString(),
    revision,
    work_item: workItem,
    ...(task ? { task } : {}),
    changes,
    actor,
  };
}

function canonical(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") {
    return canonical((value as { toJSON: () => unknown }).toJSON());
  }
  if (Array.isArray(value)) return value.map(canonical);
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, canonical(record[key])]),
  );
}

/**
 * The same body always serializes to the same bytes, whatever key order it came back in (jsonb
 * reorders keys): envelope keys in their documented order, nested keys sorted.
 */
export function serializeBody(body: WebhookBody | Record<string, unknown>): string {
  const record = body as unknown as Record<string, unknown>;
  const known = new Set<string>(BODY_KEY_ORDER);
  const keys = [
    ...BODY_KEY_ORDER,
    ...Object.keys(record)
      .filter((key) => !known.has(key))
      .sort(),
  ];
  const ordered: Record<string, unknown> = {};
  for (const key of keys) {
    if (record[key] !== undefined) ordered[key] = canonical(record[key]);
  }
  return JSON.stringify(ordered);
}

function toJson(value: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

/** The webhook body, fixed at fan-out time so retries and manual resends send the same bytes. */
export async function buildPayload(db: Db, event: ChangeEvent): Promise<Record<string, unknown>> {
  let workItem = event.snapshot;
  let task: Record<string, unknown> | null = null;
  if (event.subjectType === "task") {
    // Task snapshots carry their work item as it was at the time of the change.
    const { workItem: parent, ...taskFields } = event.snapshot as { workItem?: Record<string, unknown> };
    task = taskFields;
    if (parent) {
      workItem = parent;
    } else {
      const [row] = await db.select().from(workItems).where(eq(workItems.id, event.workItemId));
      workItem = row ? toJson(row) : { id: event.workItemId };
    }
  }
  return toJson(
    buildWebhookBody({
      changeEventId: event.id,
      type: event.eventType,
      occurredAt: event.createdAt,
      revision: event.revision,
      workItem,
      task,
      changes: event.changes,
      actor: event.actorId ? { id: event.actorId, name: event.actorName } : null,
    }),
  );
}
