import { apiError } from "@/app/api/http";
import { getDb } from "@/db/client";
import { env } from "@/lib/env";
import { metricsAccess } from "@/server/metrics/auth";
import { renderMetrics } from "@/server/metrics/registry";

export const dynamic = "force-dynamic";

/** Prometheus text exposition for a scraper holding METRICS_TOKEN (see README, Monitoring). */
export async function GET(request: Request) {
  switch (metricsAccess(request.headers.get("authorization"), env().METRICS_TOKEN)) {
    case "disabled":
      return apiError(404, "Metrics are off: set METRICS_TOKEN to enable /api/metrics");
    case "missing":
      return withChallenge(apiError(401, "Send Authorization: Bearer <METRICS_TOKEN>"));
    case "wrong":
      return withChallenge(apiError(401, "The metrics token is wrong"));
  }
  const { contentType, body } = await renderMetrics(getDb);
  return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
}

function withChallenge<T extends Response>(response: T): T {
  response.headers.set("www-authenticate", 'Bearer realm="metrics"');
  return response;
}
