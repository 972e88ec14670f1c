import { getSessionCookie } from "better-auth/cookies";
import { type NextRequest, NextResponse } from "next/server";
import { env } from "@/lib/env";
import { CURRENT_PATH_HEADER, isPublicPath, signInPathFor } from "@/server/auth/paths";

/** Two years, as browsers' preload lists want; only when the public URL is https (never on http). */
const HSTS = "max-age=63072000; includeSubDomains";

function publicUrlIsHttps(): boolean {
  const config = env();
  return (config.BETTER_AUTH_URL ?? config.APP_URL).startsWith("https:");
}

function withHsts<T extends NextResponse>(response: T): T {
  if (publicUrlIsHttps()) response.headers.set("Strict-Transport-Security", HSTS);
  return response;
}

/**
 * A convenience, not the guard: it only sees whether a session cookie exists (not whether it is valid,
 * revoked or a deactivated user's). Pages call requireUser() and actions go through defineAction().
 * It sends cookie-less page visits straight to /sign-in, tells pages their own path (for `next`) and adds
 * HSTS when the public URL is https (the other security headers come from next.config.ts).
 */
export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const current = `${pathname}${search}`;
  const isNavigation = request.method === "GET" || request.method === "HEAD";
  if (isNavigation && !isPublicPath(pathname) && !getSessionCookie(request)) {
    return withHsts(NextResponse.redirect(new URL(signInPathFor(current), request.url)));
  }
  const forwarded = new Headers(request.headers);
  forwarded.set(CURRENT_PATH_HEADER, current);
  return withHsts(NextResponse.next({ request: { headers: forwarded } }));
}

export const config = {
  matcher: [
    "/((?!api/|_next/static|_next/image|favicon.ico|.*\\.(?:svg|png|jpg|jpeg|gif|webp|ico|txt|css|js)$).*)",
  ],
};
