import "server-only";
import { cache } from "react";
import { getDb } from "@/db/client";
import { parseId } from "@/lib/ids";
import type { Role } from "@/server/auth/roles";
import { getSyncDetail } from "@/server/syncs/timeline";

/** One read per request for the layout's existence check, the title and the page. */
export const loadSync = cache(async (rawId: string, viewer: Role) => {
  const id = parseId(rawId, "bigint");
  return id ? getSyncDetail(getDb(), id, viewer) : null;
});
