/** Request header proxy.ts sets to the path + query being rendered, so pages can send users back to it. */
export const CURRENT_PATH_HEADER = "x-fixed-service-path";

export const SIGN_IN_PATH = "/sign-in";
const HOME_PATH = "/";

const ORIGIN = "http://fixed-service.invalid";
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const CONTROL_OR_BACKSLASH = /[\u0000-\u001f\u007f\\]/;

/** A path a browser (and Next's redirect) reads as same-origin: one leading slash, then not `/` or `\`. */
function isSameOriginPath(path: string): boolean {
  return path.startsWith("/") && !path.startsWith("//") && !CONTROL_OR_BACKSLASH.test(path);
}

function decodedOrNull(path: string): string | null {
  try {
    return decodeURIComponent(path);
  } catch {
    return null;
  }
}

/**
 * The `next` target after sign-in, only when it is a same-origin relative path. The checks run on the
 * value that is returned, after URL normalisation (`/.//evil.test`, `/a/..//evil.test`, `/%2e//evil.test`
 * all normalise to `//evil.test`), and on its percent-decoded path (`/%2F%2Fevil.test`, `/%5Cevil.test`),
 * so what the redirect or `window.location.assign` gets can never leave the origin. Anything absolute,
 * protocol-relative, with backslashes or control characters falls back to `/`. Never returns the
 * sign-in page itself, which would loop.
 */
export function safeNextPath(next: unknown, fallback = HOME_PATH): string {
  if (typeof next !== "string" || next.length === 0 || next.length > 2048) return fallback;
  if (!isSameOriginPath(next)) return fallback;
  let url: URL;
  try {
    url = new URL(next, ORIGIN);
  } catch {
    return fallback;
  }
  if (url.origin !== ORIGIN) return fallback;
  const result = `${url.pathname}${url.search}${url.hash}`;
  const decodedPath = decodedOrNull(url.pathname);
  if (decodedPath === null || !isSameOriginPath(result) || !isSameOriginPath(decodedPath)) return fallback;
  // Normalising again must change nothing (no second round of dot segments to fold).
  const again = new URL(result, ORIGIN);
  if (again.origin !== ORIGIN || `${again.pathname}${again.search}${again.hash}` !== result) return fallback;
  if (decodedPath === SIGN_IN_PATH || decodedPath.startsWith(`${SIGN_IN_PATH}/`)) return fallback;
  return result;
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
    pathname.startsWith("/api/") ||
    pathname.startsWith("/_next/")
  );
}
