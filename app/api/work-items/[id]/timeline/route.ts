import { NextResponse } from "next/server";
import { apiError, authorize, idParam, notFound } from "@/app/api/http";
import { getDb } from "@/db/client";
import { textStream } from "@/lib/text-stream";
import { listTimeline, TIMELINE_PAGE_SIZE } from "@/server/syncs/timeline";
import { timelineCsv, timelineJson } from "@/server/syncs/timeline-export";
import { getWorkItem } from "@/server/work-items/work-items";

export const dynamic = "force-dynamic";

const MAX_LIMIT = 200;

const NOT_FOUND = "This work item does not exist.";

/**
 * A `before` cursor as the timeline hands it out (`created_at::text`, e.g. `2025-06-01 10:00:00.123456+00`);
 * anything else would reach PostgreSQL as a timestamp it cannot read.
 */
const CURSOR = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/;

type Context = { params: Promise<{ id: string }> };

/**
 * The sync timeline of one work item as JSON, for the page's polling while deliveries are pending.
 * `before` pages to older events; `limit` lets the page refresh everything it already shows at once.
 * `format=csv` or `format=json` downloads the whole timeline instead (every page, newest first).
 */
export async function GET(request: Request, context: Context) {
  const user = await authorize("technician");
  if (user instanceof NextResponse) return user;
  const id = await idParam(context);
  if (id === null) return notFound(NOT_FOUND);
  const url = new URL(request.url);
  const format = url.searchParams.get("format");
  if (format !== null) {
    if (format !== "csv" && format !== "json") return apiError(400, "`format` is csv or json");
    const item = await getWorkItem(getDb(), id);
    if (!item) return notFound(NOT_FOUND);
    const body =
      format === "csv" ? timelineCsv(getDb(), id, user.role) : timelineJson(getDb(), item, user.role);
    return new Response(textStream(body), {
      headers: {
        "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
        "content-disposition": `attachment; filename="${item.reference}-timeline.${format}"`,
        "cache-control": "no-store",
      },
    });
  }
  const limit = Math.min(MAX_LIMIT, Math.max(1, Number(url.searchParams.get("limit")) || TIMELINE_PAGE_SIZE));
  const before = url.searchParams.get("before") || null;
  if (before !== null && !CURSOR.test(before)) return apiError(400, "Unknown `before` cursor");
  const page = await listTimeline(getDb(), id, { before, limit, viewer: user.role });
  return NextResponse.json(page, { headers: { "cache-control": "no-store" } });
}
