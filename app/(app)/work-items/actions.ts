"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { createWorkItem } from "@/db/queries/work-items";
import { dispatchChangeEvents } from "@/inngest/dispatch";
import { type ActionResult, actorOf, defineAction, INVALID_INPUT_MESSAGE } from "@/lib/auth/guard";
import { workItemFormValues } from "@/lib/work-items/form-values";
import { workItemCreateSchema } from "@/lib/work-items/validation";

export const createWorkItemAction = defineAction(
  { role: "technician", schema: workItemCreateSchema, name: "workItems.create" },
  async (input, user): Promise<ActionResult<{ id: number }>> => {
    const result = await createWorkItem(getDb(), input, actorOf(user));
    if (!result.ok) {
      return {
        ok: false,
        message: INVALID_INPUT_MESSAGE,
        fieldErrors: result.reason === "invalid" ? result.fieldErrors : undefined,
        values: workItemFormValues(input),
      };
    }
    await dispatchChangeEvents(result.events);
    revalidatePath("/work-items");
    revalidatePath("/");
    redirect(`/work-items/${result.row.id}?created=1`);
  },
);
