import { NextResponse } from "next/server";
import {
  apiError,
  authorize,
  dispatchAfterCommit,
  idParam,
  invalidInput,
  notFound,
  readJsonObject,
  unexpected,
  withTiming,
} from "@/app/api/http";
import { getDb } from "@/db/client";
import { actorOf } from "@/server/auth/guard";
import { staleWorkItemMessage, workItemUpdateSchema } from "@/server/work-items/validation";
import { getWorkItem, updateWorkItem } from "@/server/work-items/work-items";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

const NOT_FOUND = "This work item does not exist.";

export async function GET(_request: Request, context: Context) {
  const user = await authorize("technician");
  if (user instanceof NextResponse) return user;
  const id = await idParam(context);
  const item = id === null ? null : await getWorkItem(getDb(), id);
  return item ? NextResponse.json({ workItem: item }) : notFound(NOT_FOUND);
}

/**
 * Saves the given fields if `revision` is still current: 200 `{ workItem, changed, events }`;
 * 409 `{ error, currentRevision }` when someone saved first (nothing is written).
 */
export async function PATCH(request: Request, context: Context) {
  const startedAt = performance.now();
  const user = await authorize("technician");
  if (user instanceof NextResponse) return user;
  const id = await idParam(context);
  if (id === null) return notFound(NOT_FOUND);
  const body = await readJsonObject(request);
  if (body instanceof NextResponse) return body;
  const parsed = workItemUpdateSchema.safeParse(body);
  if (!parsed.success) return invalidInput(parsed.error);
  try {
    const result = await updateWorkItem(getDb(), id, parsed.data, actorOf(user));
    if (!result.ok) {
      if (result.reason === "not_found") return notFound(NOT_FOUND);
      if (result.reason === "stale") {
        return apiError(409, staleWorkItemMessage(result.current.revision), {
          currentRevision: result.current.revision,
        });
      }
      return apiError(422, "Invalid input", { fieldErrors: result.fieldErrors });
    }
    if (result.changed) await dispatchAfterCommit(result.events);
    return withTiming(
      NextResponse.json({
        workItem: result.row,
        changed: result.changed,
        events: result.events.map((e) => ({ id: e.id, type: e.eventType })),
      }),
      startedAt,
    );
  } catch (error) {
    return unexpected(error, { route: "PATCH /api/v1/work-items/:id", workItemId: id, userId: user.id });
  }
}
