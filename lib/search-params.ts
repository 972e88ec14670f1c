/** What Next passes a page as `searchParams`, or a URLSearchParams. */
export type RawParams = Record<string, string | string[] | undefined> | URLSearchParams;

/** Every value of a key; repeated keys and comma-separated values both count. */
export function allParams(raw: RawParams, key: string): string[] {
  const values = raw instanceof URLSearchParams ? raw.getAll(key) : [raw[key] ?? []].flat();
  return values.flatMap((v) => v.split(",")).filter(Boolean);
}

export function firstParam(raw: RawParams, key: string): string | undefined {
  return allParams(raw, key)[0];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A `yyyy-MM-dd` date from the URL, or null when it is missing or not a real date. */
export function dateParam(raw: RawParams, key: string): string | null {
  const value = firstParam(raw, key);
  return value && DATE.test(value) && !Number.isNaN(Date.parse(value)) ? value : null;
}

/** The `page` number from the URL: a whole number from 1 to 100,000, else 1. */
export function pageParam(raw: RawParams): number {
  const page = Number(firstParam(raw, "page") ?? 1);
  return Number.isInteger(page) && page >= 1 && page <= 100_000 ? page : 1;
}

/**
 * A GET form's fields without the empty ones, so a submitted filter form puts `?q=acme` in the URL and
 * not `?q=acme&status=&technician=`. Repeated keys keep every non-empty value.
 */
export function nonEmptyParams(entries: Iterable<[string, FormDataEntryValue]>): URLSearchParams {
  const search = new URLSearchParams();
  for (const [key, value] of entries) {
    if (typeof value === "string" && value.trim() !== "") search.append(key, value);
  }
  return search;
}
