"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { bigintIdSchema, idSchemaFor } from "@/lib/ids";
import { type ActionResult, defineAction } from "@/server/auth/guard";
import { recoverFailed, resendSync } from "@/server/deliveries/recovery";

const resendSchema = z.object({ syncId: bigintIdSchema });

/** A manager re-delivers one synced or failed delivery: a new "manual" attempt, same webhook-id. */
export const resendSyncAction = defineAction(
  { role: "manager", schema: resendSchema, name: "syncs.resend" },
  async ({ syncId }): Promise<ActionResult<{ syncId: number }>> => {
    const result = await resendSync(syncId);
    if (!result.ok) return { ok: false, message: result.message };
    revalidatePath("/syncs");
    revalidatePath(`/syncs/${syncId}`);
    return { ok: true, data: result.data, message: "Resend requested — a new attempt is on its way." };
  },
);

const recoverSchema = z.object({
  integrationId: idSchemaFor({ message: "Choose an integration" }),
  since: z
    .string({ error: "Choose a start time" })
    .min(1, "Choose a start time")
    .refine((v) => !Number.isNaN(Date.parse(v)), "Choose a valid start time")
    .transform((v) => new Date(v))
    .refine((d) => d.getTime() <= Date.now(), "The start time is in the future"),
});

/** Re-delivers every failed delivery of one integration since a time, oldest first, each once. */
export const recoverFailedAction = defineAction(
  { role: "manager", schema: recoverSchema, name: "syncs.recover" },
  async ({ integrationId, since }): Promise<ActionResult<{ requested: number }>> => {
    const result = await recoverFailed(integrationId, since);
    if (!result.ok) return { ok: false, message: result.message };
    revalidatePath("/syncs");
    revalidatePath("/");
    const n = result.data.requested;
    return {
      ok: true,
      data: result.data,
      message:
        n === 0
          ? "No failed syncs since then — nothing to recover."
          : `Recovering ${n} failed sync${n === 1 ? "" : "s"}, oldest first.`,
    };
  },
);
