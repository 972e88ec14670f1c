export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${ms} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function formatAge(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return `${Math.max(0, Math.floor(ms / 1000))} s`;
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} days`;
}

export function formatPercent(rate: number | null): string {
  if (rate === null) return "—";
  const pct = rate * 100;
  return `${pct >= 99.95 || pct === 0 ? pct.toFixed(0) : pct.toFixed(1)}%`;
}

/**
 * Whether an error message only restates the response's status line ("HTTP 404 Not Found" for a 404,
 * as the delivery records it), so it need not be shown beside the status.
 */
export function restatesStatus(statusCode: number | null, error: string | null | undefined): boolean {
  if (statusCode === null || !error) return false;
  return new RegExp(`^HTTP ${statusCode}( [A-Za-z][A-Za-z' -]*)?$`).test(error);
}

/** A response in one line: the status once, then what the error adds ("HTTP 404 Not Found", not "HTTP 404 — HTTP 404 Not Found"). */
export function responseSummary(statusCode: number | null, error: string | null | undefined): string {
  if (statusCode === null) return error ? `No response — ${error}` : "No response";
  if (error?.startsWith(`HTTP ${statusCode}`)) return error;
  return error ? `HTTP ${statusCode} — ${error}` : `HTTP ${statusCode}`;
}
