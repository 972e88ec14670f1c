import { NextResponse } from "next/server";
import { authorize, idParam, notFound } from "@/app/api/http";
import { getDb } from "@/db/client";
import { getSyncDetail } from "@/server/syncs/timeline";

export const dynamic = "force-dynamic";

const NOT_FOUND = "This delivery does not exist.";

type Context = { params: Promise<{ id: string }> };

/** One delivery with its attempts and payload, for the timeline's expanded rows (any signed-in role). */
export async function GET(_request: Request, context: Context) {
  const user = await authorize("technician");
  if (user instanceof NextResponse) return user;
  const id = await idParam(context, "bigint");
  const detail = id === null ? null : await getSyncDetail(getDb(), id, user.role);
  if (!detail) return notFound(NOT_FOUND);
  return NextResponse.json(detail, { headers: { "cache-control": "no-store" } });
}
