type FieldChange = { from: unknown; to: unknown };
export type FieldChanges = Record<string, FieldChange>;

function normalize(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  return value;
}

function sameValue(a: unknown, b: unknown): boolean {
  const x = normalize(a);
  const y = normalize(b);
  if (x === y) return true;
  if (typeof x === "object" && typeof y === "object" && x !== null && y !== null) {
    return JSON.stringify(x) === JSON.stringify(y);
  }
  return false;
}

/**
 * The fields of `patch` whose value differs from `before`, as `{ field: { from, to } }`.
 * Keys absent from the patch (or `undefined`) mean "not edited" and never count as a change;
 * `null` and `undefined` in `before` are the same empty value; dates compare and serialize as ISO strings.
 */
export function diffFields<T extends Record<string, unknown>>(before: T, patch: Partial<T>): FieldChanges {
  const changes: FieldChanges = {};
  for (const key of Object.keys(patch)) {
    const to = patch[key];
    if (to === undefined) continue;
    const from = before[key];
    if (!sameValue(from, to)) changes[key] = { from: normalize(from), to: normalize(to) };
  }
  return changes;
}

export function hasChanges(changes: FieldChanges): boolean {
  return Object.keys(changes).length > 0;
}
