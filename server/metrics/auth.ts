import { createHash, timingSafeEqual } from "node:crypto";

export type MetricsAccess = "allowed" | "disabled" | "missing" | "wrong";

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * Whether a scrape may read `/api/metrics`: `Authorization: Bearer <METRICS_TOKEN>`, compared in constant
 * time (hashes of equal length, so neither the token's length nor its prefix leaks). No token configured:
 * the endpoint is off.
 */
export function metricsAccess(authorization: string | null, token: string | undefined): MetricsAccess {
  if (!token) return "disabled";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (!match) return "missing";
  return timingSafeEqual(digest(match[1]), digest(token)) ? "allowed" : "wrong";
}
