import type { EngineEvent } from "./types";
import { seededUlids, ulid } from "./ulid";

export type ParsedEvents = { ok: true; events: EngineEvent[] } | { ok: false; error: string };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Validates an event API body (one event or an array); all-or-nothing. */
export function parseEvents(body: unknown, idSeed?: string): ParsedEvents {
  const list = Array.isArray(body) ? body : [body];
  if (list.length === 0) return { ok: false, error: "no events in body" };
  const now = Date.now();
  const ids = seededUlids(idSeed, list.length) ?? list.map(() => ulid(now));
  const events: EngineEvent[] = [];
  for (const [i, raw] of list.entries()) {
    const where = Array.isArray(body) ? `event ${i}: ` : "";
    if (!isObject(raw)) return { ok: false, error: `${where}event must be a JSON object` };
    if (typeof raw.name !== "string" || raw.name.trim() === "")
      return { ok: false, error: `${where}missing event name` };
    if (raw.data !== undefined && !isObject(raw.data))
      return { ok: false, error: `${where}event data must be an object` };
    if (raw.id !== undefined && raw.id !== null && typeof raw.id !== "string")
      return { ok: false, error: `${where}event id must be a string` };
    if (raw.ts !== undefined && raw.ts !== null && typeof raw.ts !== "number")
      return { ok: false, error: `${where}event ts must be a number (ms)` };
    events.push({
      internalId: ids[i],
      name: raw.name,
      data: (raw.data as Record<string, unknown> | undefined) ?? {},
      id: typeof raw.id === "string" && raw.id !== "" ? raw.id : undefined,
      ts: typeof raw.ts === "number" && raw.ts > 0 ? raw.ts : now,
      user: raw.user,
      v: typeof raw.v === "string" ? raw.v : undefined,
      receivedAt: now,
    });
  }
  return { ok: true, events };
}
