import { NextResponse } from "next/server";
import { authorize } from "@/app/api/http";
import { getDb } from "@/db/client";
import { textStream } from "@/lib/text-stream";
import { timeZoneChoiceOf } from "@/server/preferences/time-zone";
import { parseExplorerParams } from "@/server/syncs/explorer-params";
import { exportSyncsCsv } from "@/server/syncs/export";

export const dynamic = "force-dynamic";

/**
 * The sync explorer's current filter and order as CSV (managers, like the explorer), streamed: every
 * matching sync, not the page on screen. The query is the explorer's own (`?status=failed&integration=2…`);
 * its days are read in the user's zone, as on the page, and the times written are UTC (`created_at_utc`).
 */
export async function GET(request: Request) {
  const user = await authorize("manager");
  if (user instanceof NextResponse) return user;
  const params = parseExplorerParams(new URL(request.url).searchParams);
  const stamp = new Date().toISOString().slice(0, 16).replace(/[-:]/g, "").replace("T", "-");
  const { zone } = timeZoneChoiceOf(request);
  return new Response(textStream(exportSyncsCsv(getDb(), params, undefined, zone)), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="syncs-${stamp}.csv"`,
      "cache-control": "no-store",
    },
  });
}
