import { NextResponse } from "next/server";
import { checkReadiness } from "@/server/health/readiness";

export const dynamic = "force-dynamic";

/**
 * Readiness for load balancers: 200 when the database answers and the Inngest engine is reachable,
 * else 503 with what is not; never a secret or a connection string.
 */
export async function GET() {
  const report = await checkReadiness();
  return NextResponse.json(report, {
    status: report.status === "ready" ? 200 : 503,
    headers: { "cache-control": "no-store" },
  });
}
