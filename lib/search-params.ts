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
