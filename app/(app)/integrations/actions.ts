"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { idSchema } from "@/lib/ids";
import { echoValues } from "@/server/auth/form-data";
import { type ActionResult, actorOf, defineAction } from "@/server/auth/guard";
import {
  createIntegration,
  editIntegration,
  pauseIntegrationByAdmin,
  resumeIntegration,
  rotateSecret,
} from "@/server/integrations/operations";
import { sendTestEvent, type TestEventResult } from "@/server/integrations/test-event";
import { integrationInput } from "@/server/integrations/validation";

/** A form posts no key for zero checked boxes and a plain string for one; the schema wants a list. */
function eventTypesAsList(input: unknown): unknown {
  if (!input || typeof input !== "object") return input;
  const { eventTypes, ...rest } = input as Record<string, unknown>;
  return { ...rest, eventTypes: eventTypes === undefined ? [] : [eventTypes].flat() };
}

const createSchema = z.preprocess(eventTypesAsList, integrationInput);

function revalidateIntegrations(id?: number) {
  revalidatePath("/integrations");
  if (id) revalidatePath(`/integrations/${id}`);
  revalidatePath("/");
}

/** Creates an integration; its signing secret comes back in the result, once, and is never stored client-side. */
export const createIntegrationAction = defineAction(
  { role: "admin", schema: createSchema, name: "integrations.create" },
  async (input, user): Promise<ActionResult<{ id: number; name: string; secret: string }>> => {
    const result = await createIntegration(input, getDb(), actorOf(user));
    if (!result.ok) return { ok: false, message: result.message, fieldErrors: { name: [result.message] } };
    revalidateIntegrations();
    const { integration, secret } = result.data;
    return {
      ok: true,
      data: { id: integration.id, name: integration.name, secret },
      message: "Integration created",
    };
  },
);

/**
 * On edit the header value is optional: empty keeps the stored one (the form never shows it back), unless
 * the URL changed. So the create schema's "a name needs a value" rule moves into editIntegration, where the
 * stored value is known.
 */
const editSchema = z.preprocess(
  eventTypesAsList,
  z.object({ ...integrationInput.shape, id: idSchema }).superRefine((value, ctx) => {
    if (value.headerValue && !value.headerName) {
      ctx.addIssue({ code: "custom", path: ["headerName"], message: "Enter the header's name" });
    }
  }),
);

export const updateIntegrationAction = defineAction(
  { role: "admin", schema: editSchema, name: "integrations.update" },
  async ({ id, ...input }, user): Promise<ActionResult<{ id: number }>> => {
    const result = await editIntegration(id, input, getDb(), actorOf(user));
    if (!result.ok) {
      // Keep what the admin typed (a new URL) when only the header value is asked for again.
      const fieldErrors = "fieldErrors" in result ? result.fieldErrors : undefined;
      return {
        ok: false,
        message: result.message,
        fieldErrors,
        values: echoValues({ ...input, headerValue: undefined }),
      };
    }
    revalidateIntegrations(id);
    return { ok: true, data: { id }, message: "Integration saved" };
  },
);

const idInput = z.object({ id: idSchema });

export const pauseIntegrationAction = defineAction(
  {
    role: "admin",
    schema: z.object({
      id: idSchema,
      reason: z
        .string()
        .trim()
        .max(200, "At most 200 characters")
        .optional()
        .transform((v) => v || undefined),
    }),
    name: "integrations.pause",
  },
  async ({ id, reason }, user): Promise<ActionResult<{ id: number }>> => {
    const result = await pauseIntegrationByAdmin(id, reason ?? "Paused by an admin", getDb(), actorOf(user));
    if (!result.ok) return { ok: false, message: result.message };
    revalidateIntegrations(id);
    return { ok: true, data: { id }, message: "Paused — new syncs wait until you resume." };
  },
);

export const resumeIntegrationAction = defineAction(
  { role: "admin", schema: idInput, name: "integrations.resume" },
  async ({ id }, user): Promise<ActionResult<{ requested: number }>> => {
    const result = await resumeIntegration(id, getDb(), actorOf(user));
    if (!result.ok) return { ok: false, message: result.message };
    revalidateIntegrations(id);
    const n = result.data.waiting;
    return {
      ok: true,
      data: { requested: n },
      message: n ? `Resumed — delivering ${n} waiting sync${n === 1 ? "" : "s"}.` : "Resumed.",
    };
  },
);

export const rotateSecretAction = defineAction(
  { role: "admin", schema: idInput, name: "integrations.rotate" },
  async ({ id }, user): Promise<ActionResult<{ secret: string; previousValidUntil: string }>> => {
    const result = await rotateSecret(id, getDb(), actorOf(user));
    if (!result.ok) return { ok: false, message: result.message };
    revalidateIntegrations(id);
    return {
      ok: true,
      data: { secret: result.data.secret, previousValidUntil: result.data.previousValidUntil.toISOString() },
      message: "Secret rotated",
    };
  },
);

export const sendTestEventAction = defineAction(
  { role: "admin", schema: idInput, name: "integrations.test" },
  async ({ id }): Promise<ActionResult<TestEventResult>> => {
    const result = await sendTestEvent(id);
    if (!result.ok) return { ok: false, message: result.message };
    return { ok: true, data: result.data };
  },
);
