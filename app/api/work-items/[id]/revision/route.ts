import { NextResponse } from "next/server";
import { authorize, idParam, notFound } from "@/app/api/http";
import { getDb } from "@/db/client";
import { getWorkItemRevision } from "@/server/work-items/work-items";

export const dynamic = "force-dynamic";

const NOT_FOUND = "This work item does not exist.";

type Context = { params: Promise<{ id: string }> };

/**
 * The item's current revision and who saved it, for an open item page to notice someone else's save
 * (components/work-items/live-revision.ts polls it while the tab is visible). One indexed read.
 */
export async function GET(_request: Request, context: Context) {
  const user = await authorize("technician");
  if (user instanceof NextResponse) return user;
  const id = await idParam(context);
  if (id === null) return notFound(NOT_FOUND);
  const revision = await getWorkItemRevision(getDb(), id);
  if (!revision) return notFound(NOT_FOUND);
  return NextResponse.json(revision, { headers: { "cache-control": "no-store" } });
}
