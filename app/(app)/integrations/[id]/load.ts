import "server-only";
import { cache } from "react";
import { getDb } from "@/db/client";
import { parseId } from "@/lib/ids";
import { listIntegrationHealth } from "@/server/integrations/health";

/** One read per request for the layout's existence check, the title and the page. */
export const loadIntegration = cache(async (rawId: string) => {
  const id = parseId(rawId);
  if (!id) return null;
  return (await listIntegrationHealth(getDb())).find((i) => i.id === id) ?? null;
});
