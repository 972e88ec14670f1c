import "server-only";
import { headers } from "next/headers";
import { forbidden, redirect, unstable_rethrow } from "next/navigation";
import { cache } from "react";
import { z } from "zod";
import { getDb } from "@/db/client";
import { logger } from "@/lib/logger";
import { echoValues, formDataToObject } from "./form-data";
import { CURRENT_PATH_HEADER, signInPathFor } from "./paths";
import { sessionDeadline } from "./policy";
import { hasRole, isRole, type Role } from "./roles";
import { getAuth } from "./server";
import { lookUpSession } from "./session-lookup";

export { hasRole, type Role };

export type SessionUser = {
  id: string;
  name: string;
  email: string;
  role: Role;
  /** The session this request came with (absent for test users). */
  sessionId?: string;
};

export type ActionResult<T> =
  | { ok: true; data: T; message?: string }
  | {
      ok: false;
      message: string;
      fieldErrors?: Record<string, string[]>;
      values?: Record<string, string>;
      conflict?: EditConflict;
    };

/**
 * A save refused because someone else saved first: who, the revision it is at now, and per field they
 * changed, their value beside yours (null where you did not change it). Values as the form shows them.
 */
export type EditConflict = {
  revision: number;
  by: string[];
  fields: { field: string; theirs: string; yours: string | null }[];
};

/** Who made a change, as recorded on change events. */
export function actorOf(user: SessionUser): { id: string; name: string } {
  return { id: user.id, name: user.name };
}

export const SIGNED_OUT_MESSAGE = "You are signed out. Sign in again.";
export const INVALID_INPUT_MESSAGE = "Please fix the highlighted fields.";
const UNEXPECTED_ERROR_MESSAGE = "Something went wrong on our side. It has been logged; please try again.";
export function roleRefusedMessage(role: Role): string {
  return `Your role (${role}) may not do this.`;
}

type SessionLike = {
  session?: { id: string; createdAt: Date | string };
  user: {
    id: string;
    name: string;
    email: string;
    role?: string | null;
    banned?: boolean | null;
    banExpires?: Date | null;
  };
} | null;

/**
 * A better-auth session → our user; deactivated (banned) users count as signed out, and so does a
 * session past its absolute lifetime (better-auth's own expiry slides with use).
 */
export function sessionToUser(session: SessionLike, now = new Date()): SessionUser | null {
  if (!session) return null;
  if (session.session && sessionDeadline(session.session.createdAt).getTime() <= now.getTime()) return null;
  const u = session.user;
  const banActive = !!u.banned && (!u.banExpires || new Date(u.banExpires).getTime() > now.getTime());
  if (banActive) return null;
  // An unknown role gets the lowest one rather than none, so a bad row cannot loop the user through sign-in.
  return {
    id: u.id,
    name: u.name,
    email: u.email,
    role: isRole(u.role) ? u.role : "technician",
    sessionId: session.session?.id,
  };
}

const sessionUserFromCookie = cache(async (): Promise<SessionUser | null> => {
  const requestHeaders = await headers(); // first: it marks the page dynamic before anything opens the database
  // The plain case in one query; anything else (refresh due, expired, unsigned) goes to better-auth.
  const plain = await lookUpSession(getDb(), requestHeaders.get("cookie"), getAuth());
  if (plain) return sessionToUser(plain);
  const session = await getAuth().api.getSession({ headers: requestHeaders });
  return sessionToUser(session);
});

type UserResolver = () => Promise<SessionUser | null>;
let testResolver: UserResolver | null = null;

/**
 * Testing seam: integration tests call server actions as a given user without a browser.
 * Only effective when NODE_ENV === "test" (a production build inlines NODE_ENV, so this is dead code
 * there). Pass null to go back to the session cookie. Prefer `asUser()` from tests/support/auth.ts.
 */
export function setUserResolverForTests(resolver: UserResolver | null): void {
  if (process.env.NODE_ENV !== "test") {
    throw new Error("setUserResolverForTests is only available when NODE_ENV is test");
  }
  testResolver = resolver;
}

/** The signed-in user of this request, or null (signed out, session expired or revoked, deactivated). */
export async function getCurrentUser(): Promise<SessionUser | null> {
  if (process.env.NODE_ENV === "test" && testResolver) return testResolver();
  return sessionUserFromCookie();
}

/** The path + query being rendered (from proxy.ts's header), "/" when unknown. */
export async function currentPath(): Promise<string> {
  try {
    return (await headers()).get(CURRENT_PATH_HEADER) || "/";
  } catch {
    return "/";
  }
}

/**
 * For pages and layouts. Signed out → redirect to `/sign-in?next=<current path>` (the path comes from the
 * header proxy.ts sets; "/" without it). Signed in with too low a role → `forbidden()`: a 403 with
 * app/(app)/forbidden.tsx at the same address (experimental.authInterrupts in next.config.ts). A page
 * under a loading.tsx streams its skeleton first, so there the check goes in a layout above it.
 */
export async function requireUser(role: Role = "technician"): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (!user) redirect(signInPathFor(await currentPath()));
  if (!hasRole(user, role)) forbidden();
  return user;
}

export type ActionOptions<S extends z.ZodType> = {
  /** Lowest role allowed to run the action. */
  role: Role;
  schema: S;
  /** For logs when the handler fails (e.g. "users.create"). */
  name?: string;
};

/**
 * A server action callable as `action(input)` (FormData or a plain object) and, unchanged, as a
 * `useActionState` action `(previousState, formData)`.
 */
export type Action<T> = (input: unknown, formData?: FormData) => Promise<ActionResult<T>>;

/**
 * The one wrapper every server action goes through: resolve the user → check the role → zod-parse →
 * handler. The role check runs before parsing, so a refused caller learns nothing about the input rules
 * and nothing the handler would write is reached. Bad input returns field errors and the typed values
 * (never passwords); it never throws. Next's redirect()/notFound() from the handler propagate; any other
 * error is logged with the action's name and user and answered with a generic message.
 */
export function defineAction<S extends z.ZodType, T>(
  options: ActionOptions<S>,
  handler: (input: z.infer<S>, user: SessionUser) => Promise<ActionResult<T>>,
): Action<T> {
  return async (inputOrPrevious, formData) => {
    const raw = formData instanceof FormData ? formData : inputOrPrevious;
    const input = raw instanceof FormData ? formDataToObject(raw) : raw;

    const user = await getCurrentUser();
    if (!user) return { ok: false, message: SIGNED_OUT_MESSAGE };
    if (!hasRole(user, options.role)) return { ok: false, message: roleRefusedMessage(user.role) };

    const parsed = options.schema.safeParse(input);
    if (!parsed.success) {
      const { formErrors, fieldErrors } = z.flattenError(parsed.error);
      return {
        ok: false,
        message: formErrors.length ? formErrors.join(" ") : INVALID_INPUT_MESSAGE,
        fieldErrors: fieldErrors as Record<string, string[]>,
        values: echoValues(input),
      };
    }

    try {
      return await handler(parsed.data, user);
    } catch (error) {
      unstable_rethrow(error);
      logger.error({ err: error, action: options.name, userId: user.id }, "Server action failed");
      return { ok: false, message: UNEXPECTED_ERROR_MESSAGE, values: echoValues(input) };
    }
  };
}

/** Explicit `useActionState` adapter, for actions typed to take only one argument. */
export function formAction<T>(action: (input: FormData) => Promise<ActionResult<T>>) {
  return (_previous: ActionResult<T> | null, formData: FormData) => action(formData);
}
