import { formatDistanceStrict } from "date-fns";

/**
 * Every time the app shows, in one zone: the user's (their override, else the zone their browser
 * reported, else UTC). Server and client components format through these functions with the same zone,
 * so the server's HTML and the browser's hydration agree.
 *
 * Only numeric parts come from `Intl` (the server's ICU and the browser's may spell month names
 * differently); month names are ours. A zone's label is its abbreviation where ICU has an unambiguous one
 * in English ("CET", "EST", "BST", "UTC"), otherwise its offset ("UTC+05:30").
 */

export const DEFAULT_TIME_ZONE = "UTC";
/** The zone the browser reported (set by the browser, refreshed when it changes). */
export const DETECTED_ZONE_COOKIE = "fs-tz";
/** The zone the user chose in the user menu; absent means "the browser's". */
export const OVERRIDE_ZONE_COOKIE = "fs-tz-override";
/** A year: long enough to outlive any session, short enough to pick up a move. */
export const ZONE_COOKIE_MAX_AGE = 365 * 24 * 3600;

export type TimeZoneSource = "override" | "browser" | "default";

export type TimeZoneChoice = {
  /** The zone every time is shown in. */
  zone: string;
  source: TimeZoneSource;
  /** The browser's zone as last reported, when valid. */
  detected: string | null;
  /** The user's chosen zone, when valid. */
  override: string | null;
};

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;

let supported: Set<string> | null = null;

/** The IANA zone names this runtime knows, UTC first (ICU's list leaves UTC out). */
export function timeZoneNames(): string[] {
  return [DEFAULT_TIME_ZONE, ...Intl.supportedValuesOf("timeZone").filter((z) => z !== DEFAULT_TIME_ZONE)];
}

/**
 * A zone name this runtime can format in: one of `Intl.supportedValuesOf("timeZone")`, UTC, or an alias
 * ICU accepts (a browser may report "Europe/Kiev" where the server lists "Europe/Kyiv").
 */
export function isTimeZone(value: unknown): value is string {
  if (typeof value !== "string" || !ZONE_NAME.test(value)) return false;
  supported ??= new Set(timeZoneNames());
  if (supported.has(value)) return true;
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** A cookie's value as a zone, or null when absent, malformed or unknown. */
export function parseTimeZone(value: string | null | undefined): string | null {
  if (!value) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    return null;
  }
  return isTimeZone(decoded) ? decoded : null;
}

/** The zone to show times in, from the two cookies' raw values; a bad value counts as absent. */
export function resolveTimeZone(cookies: {
  detected?: string | null;
  override?: string | null;
}): TimeZoneChoice {
  const detected = parseTimeZone(cookies.detected);
  const override = parseTimeZone(cookies.override);
  if (override) return { zone: override, source: "override", detected, override };
  if (detected) return { zone: detected, source: "browser", detected, override };
  return { zone: DEFAULT_TIME_ZONE, source: "default", detected, override };
}

/** `fs-tz=Europe%2FBerlin; Path=/; Max-Age=…; SameSite=Lax`, for `document.cookie`. */
export function detectedZoneCookie(zone: string): string {
  return `${DETECTED_ZONE_COOKIE}=${encodeURIComponent(zone)}; Path=/; Max-Age=${ZONE_COOKIE_MAX_AGE}; SameSite=Lax`;
}

/** The zone this runtime runs in (the browser's, in a browser); UTC when it reports none we know. */
export function runtimeTimeZone(): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return isTimeZone(zone) ? zone : DEFAULT_TIME_ZONE;
}

type Parts = { year: number; month: number; day: number; hour: number; minute: number; second: number };

const partFormats = new Map<string, Intl.DateTimeFormat>();

function partFormat(zone: string): Intl.DateTimeFormat {
  let f = partFormats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      hourCycle: "h23",
    });
    partFormats.set(zone, f);
  }
  return f;
}

function toDate(value: Date | string): Date {
  return typeof value === "string" ? new Date(value) : value;
}

/** The wall clock in `zone` at that instant. */
export function wallClock(value: Date | string, zone: string): Parts {
  const out: Record<string, number> = {};
  for (const p of partFormat(zone).formatToParts(toDate(value))) {
    if (p.type !== "literal") out[p.type] = Number(p.value);
  }
  return {
    year: out.year,
    month: out.month,
    day: out.day,
    hour: out.hour === 24 ? 0 : out.hour,
    minute: out.minute,
    second: out.second,
  };
}

/** Minutes `zone` is ahead of UTC at that instant (Berlin in winter: 60). */
export function zoneOffsetMinutes(value: Date | string, zone: string): number {
  const date = toDate(value);
  const p = wallClock(date, zone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

function offsetText(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** "UTC+01:00": the zone's offset at that instant. */
export function offsetLabel(value: Date | string, zone: string): string {
  return `UTC${offsetText(zoneOffsetMinutes(value, zone))}`;
}

function abbreviation(date: Date, zone: string, locale: string): string | undefined {
  return new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: "short" })
    .formatToParts(date)
    .find((p) => p.type === "timeZoneName")?.value;
}

/** "CET", "CEST", "EST", "GMT", "UTC"; "UTC+05:30" where English has no abbreviation for the zone. */
export function zoneLabel(value: Date | string, zone: string): string {
  const date = toDate(value);
  for (const locale of ["en-GB", "en-US"]) {
    const name = abbreviation(date, zone, locale);
    if (name && /^[A-Z]{2,5}$/.test(name)) return name;
  }
  return offsetLabel(date, zone);
}

/** "4 Dec 2026". */
export function formatDate(value: Date | string, zone: string): string {
  const p = wallClock(value, zone);
  return `${p.day} ${MONTHS[p.month - 1]} ${p.year}`;
}

/** "06:28" or "06:28:05", no label: for places that say the zone once (a column header). */
export function formatClock(value: Date | string, zone: string, { seconds = false } = {}): string {
  const p = wallClock(value, zone);
  return `${pad(p.hour)}:${pad(p.minute)}${seconds ? `:${pad(p.second)}` : ""}`;
}

/** "4 Dec 2026, 06:28:05 CET"; `label: false` drops the zone where the context names it. */
export function formatDateTime(
  value: Date | string,
  zone: string,
  { seconds = true, label = true }: { seconds?: boolean; label?: boolean } = {},
): string {
  const text = `${formatDate(value, zone)}, ${formatClock(value, zone, { seconds })}`;
  return label ? `${text} ${zoneLabel(value, zone)}` : text;
}

/** "06:28:05 CET" within 20 hours of `now`, else "3 Dec, 06:28 CET". */
export function formatShortTime(value: Date | string, zone: string, now = Date.now()): string {
  const date = toDate(value);
  if (now - date.getTime() < 20 * 3_600_000)
    return `${formatClock(date, zone, { seconds: true })} ${zoneLabel(date, zone)}`;
  const p = wallClock(date, zone);
  return `${p.day} ${MONTHS[p.month - 1]}, ${formatClock(date, zone)} ${zoneLabel(date, zone)}`;
}

/** "2026-12-04T06:28:05+01:00": the instant with the zone's offset. */
export function formatIsoInZone(value: Date | string, zone: string): string {
  const date = toDate(value);
  const p = wallClock(date, zone);
  const offset = zoneOffsetMinutes(date, zone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${
    offset === 0 ? "Z" : offsetText(offset)
  }`;
}

/** A `title` for a shown time: "2026-12-04T06:28:05+01:00 (Europe/Berlin)". */
export function timeTitle(value: Date | string, zone: string): string {
  return `${formatIsoInZone(value, zone)} (${zone})`;
}

/** The `datetime-local` value of that instant on `zone`'s wall clock: "2026-12-04T06:28". */
export function wallClockInput(value: Date | string, zone: string): string {
  const p = wallClock(value, zone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/**
 * The instants a day filter covers in `zone`: from the start of `from` up to (not including) the start of
 * the day after `to` ("2026-12-04" in Berlin starts at 2026-12-03T23:00Z). Either end may be open.
 */
export function dayRangeInZone(
  from: string | null,
  to: string | null,
  zone: string,
): { start: Date | null; end: Date | null } {
  let end: Date | null = null;
  if (to) {
    const day = wallClockToInstant(to, "UTC");
    if (day) {
      const next = new Date(day.getTime() + 86_400_000).toISOString().slice(0, 10);
      end = wallClockToInstant(next, zone);
    }
  }
  return { start: from ? wallClockToInstant(from, zone) : null, end };
}

const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/;

/**
 * A wall-clock time read in `zone` ("2026-12-04T06:28", or a date alone for its midnight) → the instant;
 * null when it is no time. A time that happens twice (autumn) is the first; one skipped (spring) reads
 * with the offset before the gap (02:30 → 03:30 summer time).
 */
export function wallClockToInstant(value: string, zone: string): Date | null {
  const m = WALL_CLOCK.exec(value);
  if (!m) return null;
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1).map((v) => Number(v ?? 0));
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(asUtc);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  // A zone changes its offset at most once a day: the offsets a day either side give the candidates.
  const offsets = [asUtc - 86_400_000, asUtc + 86_400_000].map((t) => zoneOffsetMinutes(new Date(t), zone));
  const fits = offsets
    .map((offset) => asUtc - offset * 60_000)
    .filter((t) => t + zoneOffsetMinutes(new Date(t), zone) * 60_000 === asUtc);
  return new Date(fits.length ? Math.min(...fits) : asUtc - offsets[0] * 60_000);
}

/** "3 minutes ago" ("just now" within 5 s): the same in every zone. */
export function formatAgo(value: Date | string, now = Date.now()): string {
  const date = toDate(value);
  if (Math.abs(now - date.getTime()) < 5_000) return "just now";
  return `${formatDistanceStrict(date, now)} ago`;
}
