import { NextResponse } from "next/server";
import {
  apiError,
  authorize,
  dispatchAfterCommit,
  invalidInput,
  notFound,
  readJsonObject,
  unexpected,
  withTiming,
} from "@/app/api/http";
import { getDb } from "@/db/client";
import { actorOf } from "@/server/auth/guard";
import { workItemCreateSchema } from "@/server/work-items/validation";
import { createWorkItem } from "@/server/work-items/work-items";

export const dynamic = "force-dynamic";

/** Creates a work item: 201 `{ workItem, events }`. */
export async function POST(request: Request) {
  const startedAt = performance.now();
  const user = await authorize("technician");
  if (user instanceof NextResponse) return user;
  const body = await readJsonObject(request);
  if (body instanceof NextResponse) return body;
  const parsed = workItemCreateSchema.safeParse(body);
  if (!parsed.success) return invalidInput(parsed.error);
  try {
    const result = await createWorkItem(getDb(), parsed.data, actorOf(user));
    if (!result.ok) {
      return result.reason === "invalid"
        ? apiError(422, "Invalid input", { fieldErrors: result.fieldErrors })
        : notFound();
    }
    await dispatchAfterCommit(result.events);
    return withTiming(
      NextResponse.json(
        { workItem: result.row, events: result.events.map((e) => ({ id: e.id, type: e.eventType })) },
        { status: 201 },
      ),
      startedAt,
    );
  } catch (error) {
    return unexpected(error, { route: "POST /api/v1/work-items", userId: user.id });
  }
}
