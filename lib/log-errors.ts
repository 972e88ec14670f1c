/**
 * The logger's `err` serializer. Query errors carry every bound value: drizzle's DrizzleQueryError has
 * them in `params` and in its message ("Failed query: …\nparams: …", so in its stack too), PGlite's
 * error in `params`, postgres.js's in `parameters`, and PostgreSQL's `detail` quotes rows and keys
 * ("Failing row contains (…)", "Key (email)=(…)"). Those values are integration secrets, header values,
 * customers' e-mail addresses and phone numbers: none of them reaches a log line. What is kept is what
 * a reader needs: the error's type, its message and stack without the values, its code and the query.
 */

/** Own properties that hold bound values (drizzle, PGlite, postgres.js) and are never logged. */
const BOUND_VALUE_KEYS = new Set(["params", "parameters", "args", "values", "bindings", "queryOptions"]);
const MAX_DEPTH = 5;

/** drizzle puts the values last, on a line of their own: everything from "\nparams: " on goes. */
const PARAMS_TAIL = /\nparams: [\s\S]*$/;

function stripBoundValues(text: string): string {
  return text.replace(PARAMS_TAIL, "\nparams: [not logged]");
}

/** PostgreSQL's detail quotes values; the structure before the parentheses is kept. */
function redactDetail(detail: string): string {
  return detail.replace(/\)=\(.*\)/s, ")=(…)").replace(/contains \(.*\)/s, "contains (…)");
}

function sanitizeStack(stack: string, rawMessage: unknown, message: string): string {
  if (typeof rawMessage === "string" && rawMessage && stack.includes(rawMessage)) {
    return stack.replace(rawMessage, message);
  }
  // A message that differs from the stack's own first lines: drop every "params:" line up to the frames.
  return stack.replace(/\nparams: [\s\S]*?(?=\n\s+at |$)/g, "\nparams: [not logged]");
}

function isErrorLike(value: object): value is Record<string, unknown> {
  return (
    value instanceof Error ||
    (typeof (value as { message?: unknown }).message === "string" && "stack" in value)
  );
}

function serialize(value: unknown, depth: number, seen: Set<object>): unknown {
  if (typeof value === "string") return stripBoundValues(value);
  if (value === null || typeof value !== "object") return value;
  if (!isErrorLike(value)) return value;
  if (seen.has(value) || depth > MAX_DEPTH) return "[error already shown]";
  seen.add(value);

  const error = value as Record<string, unknown>;
  const rawMessage = error.message;
  const message = typeof rawMessage === "string" ? stripBoundValues(rawMessage) : "";
  const out: Record<string, unknown> = {
    type: (value as { constructor?: { name?: string } }).constructor?.name ?? "Error",
    message,
  };
  if (typeof error.stack === "string") out.stack = sanitizeStack(error.stack, rawMessage, message);
  for (const key of Object.keys(error)) {
    if (BOUND_VALUE_KEYS.has(key) || key in out || key === "cause" || key === "errors") continue;
    const field = error[key];
    if (typeof field === "string")
      out[key] = key === "detail" ? redactDetail(field) : stripBoundValues(field);
    else if (typeof field === "number" || typeof field === "boolean") out[key] = field;
  }
  if (error.cause !== undefined) out.cause = serialize(error.cause, depth + 1, seen);
  if (Array.isArray(error.errors))
    out.errors = error.errors.map((inner) => serialize(inner, depth + 1, seen));
  return out;
}

/** For pino's `serializers.err`: an error (or an error message) without the values a query was bound to. */
export function serializeError(value: unknown): unknown {
  return serialize(value, 0, new Set());
}
