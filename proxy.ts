import { getSessionCookie } from "better-auth/cookies";
import { type NextRequest, NextResponse } from "next/server";
import { CURRENT_PATH_HEADER, isPublicPath, signInPathFor } from "@/server/auth/paths";

/**
 * A convenience, not the guard: it only sees whether a session cookie exists (not whether it is valid,
 * revoked or a deactivated user's). Pages call requireUser() and actions go through defineAction().
 * It sends cookie-less page visits straight to /sign-in and tells pages their own path (for `next`).
 */
export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const current = `${pathname}${search}`;
  const isNavigation = request.method === "GET" || request.method === "HEAD";
  if (isNavigation && !isPublicPath(pathname) && !getSessionCookie(request)) {
    return NextResponse.redirect(new URL(signInPathFor(current), request.url));
  }
  const forwarded = new Headers(request.headers);
  forwarded.set(CURRENT_PATH_HEADER, current);
  return NextResponse.next({ request: { headers: forwarded } });
}

export const config = {
  matcher: [
    "/((?!api/|_next/static|_next/image|favicon.ico|.*\\.(?:svg|png|jpg|jpeg|gif|webp|ico|txt|css|js)$).*)",
  ],
};
