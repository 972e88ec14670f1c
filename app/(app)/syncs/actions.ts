"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { bigintIdSchema, idSchemaFor } from "@/lib/ids";
import { type ActionResult, actorOf, defineAction } from "@/server/auth/guard";
import {
  previewRecovery,
  type RecoveryPreview,
  recoverFailed,
  resendSync,
} from "@/server/deliveries/recovery";

const resendSchema = z.object({ syncId: bigintIdSchema });

/** A manager re-delivers one synced or failed delivery: a new "manual" attempt, same webhook-id. */
export const resendSyncAction = defineAction(
  { role: "manager", schema: resendSchema, name: "syncs.resend" },
  async ({ syncId }, user): Promise<ActionResult<{ syncId: number }>> => {
    const result = await resendSync(syncId, getDb(), actorOf(user));
    if (!result.ok) return { ok: false, message: result.message };
    revalidatePath("/syncs");
    revalidatePath(`/syncs/${syncId}`);
    return { ok: true, data: result.data, message: "Resend requested — a new attempt is on its way." };
  },
);

/** A minute's grace: a time typed as "now" in the browser may be a moment ahead of the server's clock. */
const CLOCK_SKEW_MS = 60_000;

/** An instant with its offset (what the form sends): a local time without a zone would be read in the server's. */
const instant = (what: string) =>
  z
    .string({ error: `Choose ${what}` })
    .min(1, `Choose ${what}`)
    .pipe(
      z.iso.datetime({
        offset: true,
        error: `Choose a valid ${what.replace(/^an? /, "")} with its time zone`,
      }),
    )
    .transform((v) => new Date(v))
    .refine((d) => d.getTime() <= Date.now() + CLOCK_SKEW_MS, "The start time is in the future");

const recoverSchema = z
  .object({
    integrationId: z.union([z.literal("all"), idSchemaFor({ message: "Choose an integration" })]),
    since: instant("a start time"),
    /** The end of the range the preview counted; a recovery without one covers everything up to now. */
    until: instant("an end time").optional(),
  })
  .transform(({ integrationId, since, until }) => ({
    integrationId: integrationId === "all" ? null : integrationId,
    since,
    until: until ?? new Date(),
  }))
  .refine((s) => s.since.getTime() <= s.until.getTime(), {
    message: "The start time is after the end time",
    path: ["since"],
  });

/**
 * What "recover" would re-deliver (count per integration, the range), shown to the manager to confirm.
 * The range ends now; the confirm sends it back so the recovery covers exactly what was counted.
 */
export const previewRecoveryAction = defineAction(
  { role: "manager", schema: recoverSchema, name: "syncs.recover-preview" },
  async (scope): Promise<ActionResult<RecoveryPreview>> => {
    const result = await previewRecovery(scope);
    if (!result.ok) return { ok: false, message: result.message };
    return { ok: true, data: result.data };
  },
);

/** Re-delivers the failed syncs of one integration (or all) in a range, in change-event order, each once. */
export const recoverFailedAction = defineAction(
  { role: "manager", schema: recoverSchema, name: "syncs.recover" },
  async (scope, user): Promise<ActionResult<RecoveryPreview>> => {
    const result = await recoverFailed(scope, getDb(), actorOf(user));
    if (!result.ok) return { ok: false, message: result.message };
    revalidatePath("/syncs");
    revalidatePath("/");
    const n = result.data.count;
    return {
      ok: true,
      data: result.data,
      message:
        n === 0
          ? "No failed syncs in that range — nothing to recover."
          : `Recovering ${n} failed sync${n === 1 ? "" : "s"}, in the order the changes were made.`,
    };
  },
);
