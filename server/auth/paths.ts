/** Request header proxy.ts sets to the path + query being rendered, so pages can send users back to it. */
export const CURRENT_PATH_HEADER = "x-fixed-service-path";

export const SIGN_IN_PATH = "/sign-in";
export const FORBIDDEN_PATH = "/forbidden";
const HOME_PATH = "/";

/**
 * The `next` target after sign-in, only when it is a same-origin relative path: anything absolute,
 * protocol-relative (`//evil.test`), backslash tricks (`/\evil.test`) or with control characters falls
 * back to `/`. Never returns the sign-in page itself, which would loop.
 */
export function safeNextPath(next: unknown, fallback = HOME_PATH): string {
  if (typeof next !== "string" || next.length === 0 || next.length > 2048) return fallback;
  if (!next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return fallback;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return fallback;
  let url: URL;
  try {
    url = new URL(next, "http://fixed-service.invalid");
  } catch {
    return fallback;
  }
  if (url.origin !== "http://fixed-service.invalid") return fallback;
  if (url.pathname === SIGN_IN_PATH || url.pathname.startsWith(`${SIGN_IN_PATH}/`)) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** `/sign-in?next=…` for the given path (unsafe paths become no `next` at all). */
export function signInPathFor(currentPath: string | null | undefined): string {
  const next = safeNextPath(currentPath ?? "", "");
  return next && next !== HOME_PATH ? `${SIGN_IN_PATH}?next=${encodeURIComponent(next)}` : SIGN_IN_PATH;
}

/** Pages anyone may open; everything else redirects signed-out visitors (in proxy.ts, as a convenience). */
export function isPublicPath(pathname: string): boolean {
  return (
    pathname === SIGN_IN_PATH ||
    pathname.startsWith(`${SIGN_IN_PATH}/`) ||
    pathname === FORBIDDEN_PATH ||
    pathname.startsWith("/api/") ||
    pathname.startsWith("/_next/")
  );
}
