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
 * guard, id parsing, body-size limits and one error shape, `{ error, fieldErrors? }`, with 400 (unreadable
 * body or parameter), 401, 403, 404, 409, 413, 415, 422 and 500.
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

/** Body-size limits per route family; a bigger body is answered 413 before more than this is read. */
export const BODY_LIMITS = {
  /** `/api/v1/**`: a work item with every field at its maximum is well under 64 KiB of JSON. */
  api: 64 * 1024,
  /** `/api/auth/**`: sign-in, sign-out, session: a few hundred bytes. */
  auth: 64 * 1024,
  /** `/api/inngest`: an engine call carries the event and every memoised step output. */
  inngest: 4 * 1024 * 1024,
} as const;

function tooLarge(limit: number) {
  return apiError(413, `The request body is larger than ${Math.round(limit / 1024)} KiB`);
}

/**
 * The body as bytes, read as a stream and abandoned once it passes `limit` (413): a declared
 * Content-Length over the limit is refused before reading anything, a chunked or lying one as soon as
 * the limit is passed.
 */
async function readBodyWithin(
  request: Request,
  limit: number,
): Promise<Uint8Array<ArrayBuffer> | NextResponse> {
  const declared = Number(request.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > limit) {
    await request.body?.cancel().catch(() => {});
    return tooLarge(limit);
  }
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return tooLarge(limit);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * For handlers we do not write (better-auth, the Inngest SDK): the same request with its body read
 * within `limit`, or the 413. Requests without a body pass unchanged.
 */
export async function limitBody(request: Request, limit: number): Promise<Request | NextResponse> {
  if (request.method === "GET" || request.method === "HEAD") return request;
  const body = await readBodyWithin(request, limit);
  if (body instanceof NextResponse) return body;
  return new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body: body.byteLength ? body : null,
    signal: request.signal,
  });
}

/**
 * Reads a JSON object body within BODY_LIMITS.api: 415 unless sent as JSON (no cross-site form can),
 * 413 when too large, 400 when it is not an object.
 */
export async function readJsonObject(request: Request): Promise<Record<string, unknown> | NextResponse> {
  if (!/^application\/json\b/i.test(request.headers.get("content-type") ?? "")) {
    return apiError(415, "Send the body as application/json");
  }
  const bytes = await readBodyWithin(request, BODY_LIMITS.api);
  if (bytes instanceof NextResponse) return bytes;
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
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
