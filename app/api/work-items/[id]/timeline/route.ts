import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { getCurrentUser } from "@/server/auth/guard";
import { listTimeline, TIMELINE_PAGE_SIZE } from "@/server/syncs/timeline";

export const dynamic = "force-dynamic";

const MAX_LIMIT = 200;

/**
 * The sync timeline of one work item as JSON, for the page's polling while deliveries are pending.
 * `before` pages to older events; `limit` lets the page refresh everything it already shows at once.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await getCurrentUser();
  if (!user) return NextResponse.json({ message: "Signed out" }, { status: 401 });
  const id = Number((await params).id);
  if (!Number.isInteger(id) || id <= 0) return NextResponse.json({ message: "Not found" }, { status: 404 });
  const url = new URL(request.url);
  const limit = Math.min(MAX_LIMIT, Math.max(1, Number(url.searchParams.get("limit")) || TIMELINE_PAGE_SIZE));
  const before = url.searchParams.get("before");
  const page = await listTimeline(getDb(), id, { before: before || null, limit });
  return NextResponse.json(page, { headers: { "cache-control": "no-store" } });
}
