import { NextResponse } from "next/server";

export const dynamic = "force-dynamic";

/** Liveness for load balancers and container health checks: the process answers. Reads nothing. */
export function GET() {
  return NextResponse.json({ status: "ok" }, { headers: { "cache-control": "no-store" } });
}
