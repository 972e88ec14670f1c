import { compile } from "./cel";
import { parseDuration } from "./duration";
import type { ConcurrencyConfig, FunctionConfig } from "./types";

/** Function options the engine does not implement; a run of such a function fails loudly. */
const UNSUPPORTED_OPTIONS = ["debounce", "rateLimit", "priority", "cancel", "singleton", "timeouts"] as const;

const KNOWN_OPTIONS = new Set([
  "id",
  "name",
  "triggers",
  "steps",
  "concurrency",
  "throttle",
  "idempotency",
  "batchEvents",
  ...UNSUPPORTED_OPTIONS,
]);

/** Options Inngest refuses next to `batchEvents` (function config validation and batching docs). */
const NOT_WITH_BATCHING = ["idempotency", "rateLimit", "cancel", "priority", "debounce"] as const;

/** Problems that make a function unrunnable here; empty when the function is supported. */
export function unsupportedOptions(fn: FunctionConfig): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(fn)) {
    if (value === undefined || value === null) continue;
    if (!KNOWN_OPTIONS.has(key)) problems.push(`unknown function option "${key}"`);
    else if ((UNSUPPORTED_OPTIONS as readonly string[]).includes(key))
      problems.push(`function option "${key}" is not supported by the local engine`);
  }
  for (const c of concurrencyLimits(fn)) {
    if (c.scope && c.scope !== "fn") problems.push(`concurrency scope "${c.scope}" is not supported`);
    if (c.key) tryCompile(c.key, problems);
  }
  if (fn.idempotency) tryCompile(fn.idempotency, problems);
  if (fn.throttle) {
    if (fn.throttle.key) tryCompile(fn.throttle.key, problems);
    try {
      parseDuration(fn.throttle.period);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (fn.batchEvents !== undefined && fn.batchEvents !== null) problems.push(...batchProblems(fn));
  return problems;
}

function batchProblems(fn: FunctionConfig): string[] {
  const problems: string[] = [];
  const batch = fn.batchEvents as unknown;
  if (typeof batch !== "object" || batch === null || Array.isArray(batch))
    return ['function option "batchEvents" must be an object'];
  const { maxSize, timeout, key, if: condition } = batch as Record<string, unknown>;
  if (typeof maxSize !== "number" || !Number.isInteger(maxSize) || maxSize < 1)
    problems.push(`batchEvents.maxSize must be a positive integer (got ${JSON.stringify(maxSize)})`);
  if (typeof timeout !== "string") problems.push("batchEvents.timeout must be a duration string");
  else {
    try {
      parseDuration(timeout);
    } catch (error) {
      problems.push(`batchEvents.timeout: ${(error as Error).message}`);
    }
  }
  for (const [name, expression] of [
    ["key", key],
    ["if", condition],
  ] as const) {
    if (expression === undefined || expression === null) continue;
    if (typeof expression !== "string") problems.push(`batchEvents.${name} must be an expression string`);
    else tryCompile(expression, problems);
  }
  for (const option of NOT_WITH_BATCHING) {
    const value = fn[option];
    if (value !== undefined && value !== null)
      problems.push(`function option "batchEvents" cannot be combined with "${option}" (as in Inngest)`);
  }
  return problems;
}

function tryCompile(expression: string, problems: string[]): void {
  try {
    compile(expression);
  } catch (error) {
    problems.push((error as Error).message);
  }
}

function concurrencyLimits(fn: FunctionConfig): ConcurrencyConfig[] {
  const c = fn.concurrency;
  if (c === undefined || c === null) return [];
  if (typeof c === "number") return [{ limit: c }];
  return Array.isArray(c) ? c : [c];
}

export function evaluateKey(expression: string, scope: Record<string, unknown>): string {
  const value = compile(expression).value(scope);
  return typeof value === "string" ? value : JSON.stringify(value ?? null);
}

/** Concurrency slot keys for a run; each is limited independently. */
export function concurrencyKeys(
  fn: FunctionConfig,
  scope: Record<string, unknown>,
): { key: string; limit: number }[] {
  return concurrencyLimits(fn)
    .filter((c) => c.limit > 0)
    .map((c, i) => ({
      key: `${fn.id}#${i}#${c.key ? evaluateKey(c.key, scope) : ""}`,
      limit: c.limit,
    }));
}

/** Tracks steps in flight per concurrency key. In memory only: in-flight work restarts after a crash. */
export class ConcurrencyTracker {
  private readonly inFlight = new Map<string, number>();

  tryAcquire(slots: { key: string; limit: number }[]): boolean {
    if (slots.some((s) => (this.inFlight.get(s.key) ?? 0) >= s.limit)) return false;
    for (const s of slots) this.inFlight.set(s.key, (this.inFlight.get(s.key) ?? 0) + 1);
    return true;
  }

  release(slots: { key: string; limit: number }[]): void {
    for (const s of slots) {
      const n = (this.inFlight.get(s.key) ?? 1) - 1;
      if (n <= 0) this.inFlight.delete(s.key);
      else this.inFlight.set(s.key, n);
    }
  }
}

/**
 * Throttle: at most `limit` run starts per `period` per key. Returns the time at which a new run may
 * start and books that slot (runs over the limit are delayed, not dropped, as in Inngest).
 */
export class Throttle {
  private readonly starts = new Map<string, number[]>();

  reserve(key: string, limit: number, periodMs: number, now: number): number {
    const times = (this.starts.get(key) ?? []).filter((t) => t > now - periodMs);
    let at = now;
    if (times.length >= limit) at = Math.max(now, times[times.length - limit] + periodMs);
    times.push(at);
    times.sort((a, b) => a - b);
    this.starts.set(key, times);
    return at;
  }
}
