export type JsonSnapshot = Record<string, unknown>;

export type FieldChanges = Record<string, { from: unknown; to: unknown }>;

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
export function serializeBody(body: WebhookBody): string {
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
