import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { getCurrentUser } from "@/server/auth/guard";
import { getSyncDetail } from "@/server/syncs/timeline";

export const dynamic = "force-dynamic";

/** One delivery with its attempts and payload, for the timeline's expanded rows (any signed-in role). */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await getCurrentUser();
  if (!user) return NextResponse.json({ message: "Signed out" }, { status: 401 });
  const id = Number((await params).id);
  const detail = Number.isInteger(id) && id > 0 ? await getSyncDetail(getDb(), id) : null;
  if (!detail) return NextResponse.json({ message: "Not found" }, { status: 404 });
  return NextResponse.json(detail, { headers: { "cache-control": "no-store" } });
}
