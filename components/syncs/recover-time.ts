import { format, formatISO, isValid, subHours } from "date-fns";
import type { RecoveryPreview } from "@/server/deliveries/recovery";

/**
 * The recover form's times. A `datetime-local` field holds a wall-clock time without a zone; it is
 * read in the browser's zone and sent as an instant with its offset, so the server never reads it in
 * its own zone.
 */

/** The field's format: `2026-12-02T14:00`. */
const LOCAL_INPUT = "yyyy-MM-dd'T'HH:mm";

export function localInputValue(date: Date): string {
  return format(date, LOCAL_INPUT);
}

export function defaultSinceInput(now = new Date()): string {
  return localInputValue(subHours(now, 24));
}

/** `2026-12-02T14:00` (read in this browser's zone) → `2026-12-02T14:00:00+01:00`; null when it is no time. */
export function localInputToInstant(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) return null;
  const date = new Date(value);
  return isValid(date) ? formatISO(date) : null;
}

/** "UTC+01:00", the offset of this browser's zone at that instant. */
export function offsetLabel(date: Date): string {
  return `UTC${format(date, "xxx")}`;
}

function sinceLabel(iso: string): string {
  const date = new Date(iso);
  return `${format(date, "d MMM HH:mm")} (${offsetLabel(date)})`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** "Recover 12 failed syncs of n8n-main created since 2 Dec 14:00 (UTC+01:00)", in this browser's zone. */
export function describeRecovery(preview: RecoveryPreview): string {
  const since = sinceLabel(preview.since);
  const of =
    preview.integrationId === null
      ? `all integrations${
          preview.integrations.length > 0
            ? ` (${preview.integrations.map((i) => `${i.name}: ${i.count}`).join(", ")})`
            : ""
        }`
      : (preview.integrationName ?? "this integration");
  if (preview.count === 0) return `No failed syncs of ${of} created since ${since} — nothing to recover.`;
  return `Recover ${plural(preview.count, "failed sync")} of ${of} created since ${since}, up to ${format(
    new Date(preview.until),
    "d MMM HH:mm",
  )}?`;
}
