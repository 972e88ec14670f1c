"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { bigintIdSchema } from "@/lib/ids";
import { logger } from "@/lib/logger";
import { type ActionResult, actorOf, defineAction } from "@/server/auth/guard";
import { acknowledgeNotice } from "@/server/notifications/notices";

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
