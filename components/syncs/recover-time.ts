import { subHours } from "date-fns";
import {
  formatDateTime,
  formatIsoInZone,
  wallClock,
  wallClockInput,
  wallClockToInstant,
  zoneLabel,
} from "@/lib/time";
import type { RecoveryPreview } from "@/server/deliveries/recovery";

/**
 * The recover form's times. A `datetime-local` field holds a wall-clock time without a zone; it is read
 * in the user's zone (lib/time.ts: their choice, else their browser's) and sent as an instant with its
 * offset, so the server never reads it in its own zone.
 */

export function defaultSinceInput(zone: string, now = new Date()): string {
  return wallClockInput(subHours(now, 24), zone);
}

/** `2026-12-02T14:00` read in `zone` → `2026-12-02T14:00:00+01:00`; null when it is no time. */
export function localInputToInstant(value: string, zone: string): string | null {
  const instant = value.includes("T") ? wallClockToInstant(value, zone) : null;
  return instant ? formatIsoInZone(instant, zone) : null;
}

/** The typed value as the rest of the page writes times ("2 Dec 2026, 14:00 CET"), or null. */
export function describeInput(value: string, zone: string): string | null {
  const instant = wallClockToInstant(value, zone);
  return instant ? formatDateTime(instant, zone, { seconds: false }) : null;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function dayAndClock(iso: string, zone: string): string {
  const p = wallClock(iso, zone);
  return `${p.day} ${MONTHS[p.month - 1]} ${String(p.hour).padStart(2, "0")}:${String(p.minute).padStart(2, "0")}`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** "Recover 12 failed syncs of n8n-main created since 2 Dec 14:00 (CET)", in `zone`. */
export function describeRecovery(preview: RecoveryPreview, zone: string): string {
  const since = `${dayAndClock(preview.since, zone)} (${zoneLabel(preview.since, zone)})`;
  const of =
    preview.integrationId === null
      ? `all integrations${
          preview.integrations.length > 0
            ? ` (${preview.integrations.map((i) => `${i.name}: ${i.count}`).join(", ")})`
            : ""
        }`
      : (preview.integrationName ?? "this integration");
  if (preview.count === 0) return `No failed syncs of ${of} created since ${since} — nothing to recover.`;
  return `Recover ${plural(preview.count, "failed sync")} of ${of} created since ${since}, up to ${dayAndClock(
    preview.until,
    zone,
  )}?`;
}
