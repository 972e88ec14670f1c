"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { bigintIdSchema } from "@/lib/ids";
import { logger } from "@/lib/logger";
import { isTimeZone } from "@/lib/time";
import { type ActionResult, actorOf, defineAction } from "@/server/auth/guard";
import { acknowledgeNotice } from "@/server/notifications/notices";
import { setZoneOverride } from "@/server/preferences/time-zone";

/** Acknowledges a notice for everyone (managers and admins see the banner until someone does). */
export const acknowledgeNoticeAction = defineAction(
  { role: "manager", schema: z.object({ id: bigintIdSchema }), name: "notices.acknowledge" },
  async ({ id }, user): Promise<ActionResult<{ id: number }>> => {
    const outcome = await acknowledgeNotice(getDb(), id, actorOf(user));
    if (outcome === "missing") return { ok: false, message: "This notice no longer exists" };
    if (outcome === "acknowledged")
      logger.info({ noticeId: id, userId: user.id }, `Notice ${id} acknowledged`);
    revalidatePath("/", "layout");
    return {
      ok: true,
      data: { id },
      message: outcome === "already" ? "Someone acknowledged it already" : "Acknowledged",
    };
  },
);

const zoneSchema = z.object({
  // "" goes back to the browser's zone.
  zone: z.union([z.literal(""), z.string().trim().refine(isTimeZone, "Choose a time zone from the list")]),
});

/** The zone the user reads times in, whatever their browser says; a cookie, not a row (a preference). */
export const setTimeZoneAction = defineAction(
  { role: "technician", schema: zoneSchema, name: "preferences.time-zone" },
  async ({ zone }): Promise<ActionResult<{ zone: string | null }>> => {
    await setZoneOverride(zone || null);
    revalidatePath("/", "layout");
    return {
      ok: true,
      data: { zone: zone || null },
      message: zone ? `Times are shown in ${zone}` : "Times follow your browser's time zone",
    };
  },
);
