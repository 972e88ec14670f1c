"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { type ActionResult, actorOf, defineAction, INVALID_INPUT_MESSAGE } from "@/server/auth/guard";
import { dispatchChangeEvents } from "@/server/deliveries/outbox";
import { workItemFormValues } from "@/server/work-items/form-values";
import { workItemCreateSchema } from "@/server/work-items/validation";
import { createWorkItem } from "@/server/work-items/work-items";

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
