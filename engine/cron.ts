/** Five-field cron expressions with an optional `TZ=Area/City ` prefix, evaluated with Intl. */

interface Field {
  values: Set<number>;
  wildcard: boolean;
}

export interface CronSchedule {
  source: string;
  timeZone: string;
  next(after: number): number;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

function parseValue(text: string, min: number, names?: string[]): number {
  const upper = text.toUpperCase();
  const named = names?.indexOf(upper) ?? -1;
  if (named >= 0) return named + min;
  if (!/^\d+$/.test(text)) throw new Error(`invalid cron value "${text}"`);
  return Number(text);
}

function parseField(text: string, min: number, max: number, names?: string[]): Field {
  const values = new Set<number>();
  for (const part of text.split(",")) {
    const [range, stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`invalid cron step in "${part}"`);
    let lo: number;
    let hi: number;
    if (range === "*") {
      lo = min;
      hi = max;
    } else if (range.includes("-")) {
      const [a, b] = range.split("-");
      lo = parseValue(a, min, names);
      hi = parseValue(b, min, names);
    } else {
      lo = parseValue(range, min, names);
      hi = stepText === undefined ? lo : max;
    }
    if (lo < min || hi > max || lo > hi) throw new Error(`cron value out of range in "${part}"`);
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return { values, wildcard: text === "*" };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function zonedParts(time: number, timeZone: string) {
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      weekday: "short",
    });
    formatters.set(timeZone, fmt);
  }
  const parts: Record<string, string> = {};
  for (const p of fmt.formatToParts(time)) parts[p.type] = p.value;
  return {
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: DAYS.indexOf(parts.weekday.toUpperCase()),
  };
}

export function parseCron(source: string): CronSchedule {
  let expr = source.trim();
  let timeZone = "UTC";
  const tz = /^(?:CRON_TZ|TZ)=(\S+)\s+/.exec(expr);
  if (tz) {
    timeZone = tz[1];
    expr = expr.slice(tz[0].length);
    try {
      new Intl.DateTimeFormat("en-US", { timeZone });
    } catch {
      throw new Error(`unknown time zone "${timeZone}" in cron "${source}"`);
    }
  }
  const fields = expr.split(/\s+/);
  if (fields.length !== 5) throw new Error(`cron "${source}" must have 5 fields`);
  const minute = parseField(fields[0], 0, 59);
  const hour = parseField(fields[1], 0, 23);
  const dom = parseField(fields[2], 1, 31);
  const month = parseField(fields[3], 1, 12, MONTHS);
  const dowRaw = parseField(fields[4], 0, 7, DAYS);
  const dow = new Set([...dowRaw.values].map((d) => d % 7));

  const dayMatches = (p: ReturnType<typeof zonedParts>) => {
    const domOk = dom.values.has(p.day);
    const dowOk = dow.has(p.weekday);
    if (!dom.wildcard && !dowRaw.wildcard) return domOk || dowOk;
    return domOk && dowOk;
  };

  return {
    source,
    timeZone,
    next(after: number): number {
      let t = Math.floor(after / 60_000) * 60_000 + 60_000;
      const limit = after + 5 * 366 * 86_400_000;
      while (t < limit) {
        const p = zonedParts(t, timeZone);
        if (!month.values.has(p.month) || !dayMatches(p)) {
          t += (24 * 60 - (p.hour * 60 + p.minute)) * 60_000;
        } else if (!hour.values.has(p.hour)) {
          t += (60 - p.minute) * 60_000;
        } else if (!minute.values.has(p.minute)) {
          t += 60_000;
        } else return t;
      }
      throw new Error(`cron "${source}" never fires`);
    },
  };
}
