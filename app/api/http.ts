import { NextResponse } from "next/server";
import { z } from "zod";
import { type IdColumn, parseId } from "@/lib/ids";
import { logger } from "@/lib/logger";
import {
  getCurrentUser,
  hasRole,
  type Role,
  roleRefusedMessage,
  type SessionUser,
  SIGNED_OUT_MESSAGE,
} from "@/server/auth/guard";
import { dispatchChangeEvents } from "@/server/deliveries/outbox";

/**
 * What every route handler of ours shares (`/api/v1/**`, the JSON API for scripts and the benchmark,
 * and the pages' own JSON routes `/api/syncs/:id` and `/api/work-items/:id/timeline`): the session
 * guard, id parsing and one error shape, `{ error, fieldErrors? }`, with 400 (unreadable body or
 * parameter), 401, 403, 404, 409, 415, 422 and 500.
 */

export type ApiError = { error: string; fieldErrors?: Record<string, string[]>; [extra: string]: unknown };

export function apiError(status: number, error: string, extra: Omit<ApiError, "error"> = {}) {
  return NextResponse.json({ error, ...extra }, { status });
}

/** 404 `{ error }`. */
export function notFound(error = "Not found") {
  return apiError(404, error);
}

/**
 * The `[id]` segment of a route as an id (lib/ids: digits only, within the column's range), or null:
 * answer null with notFound(), so an id the database could not hold never reaches a query.
 */
export async function idParam(
  context: { params: Promise<{ id: string }> },
  column: IdColumn = "integer",
): Promise<number | null> {
  return parseId((await context.params).id, column);
}

/** Resolves the session's user and checks the role; an error response when either fails. */
export async function authorize(role: Role): Promise<SessionUser | NextResponse> {
  const user = await getCurrentUser();
  if (!user) return apiError(401, SIGNED_OUT_MESSAGE);
  if (!hasRole(user, role)) return apiError(403, roleRefusedMessage(user.role));
  return user;
}

/** Reads a JSON object body: 415 unless sent as JSON (no cross-site form can), 400 when it is not an object. */
export async function readJsonObject(request: Request): Promise<Record<string, unknown> | NextResponse> {
  if (!/^application\/json\b/i.test(request.headers.get("content-type") ?? "")) {
    return apiError(415, "Send the body as application/json");
  }
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return apiError(400, "The request body must be JSON");
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    return apiError(400, "The request body must be a JSON object");
  }
  return body as Record<string, unknown>;
}

/** 422 with zod's field errors. */
export function invalidInput(error: z.ZodError) {
  const { formErrors, fieldErrors } = z.flattenError(error);
  return apiError(422, formErrors.length ? formErrors.join(" ") : "Invalid input", {
    fieldErrors: fieldErrors as Record<string, string[]>,
  });
}

/** Server-Timing lets a client (the benchmark) read the server-side duration of the request. */
export function withTiming<T extends NextResponse>(response: T, startedAt: number): T {
  response.headers.set("server-timing", `app;dur=${(performance.now() - startedAt).toFixed(1)}`);
  return response;
}

export function unexpected(error: unknown, context: Record<string, unknown>) {
  logger.error({ err: error, ...context }, "JSON API request failed");
  return apiError(500, "Something went wrong on our side. It has been logged; please try again.");
}

/**
 * After commit the save has happened: a failing send (e.g. the database went away for the reference
 * lookup) must not turn it into an error for the client. The events stay undispatched and the outbox
 * function sends them.
 */
export async function dispatchAfterCommit(events: Parameters<typeof dispatchChangeEvents>[0]): Promise<void> {
  try {
    await dispatchChangeEvents(events);
  } catch (error) {
    logger.warn(
      { err: error, changeEventIds: events.map((e) => e.id) },
      "Saved, but could not send its change events now; the outbox will",
    );
  }
}
