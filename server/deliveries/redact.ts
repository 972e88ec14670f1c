import { hasRole, type Role } from "@/server/auth/roles";

export const REDACTED = "[redacted]";

const SECRET_HEADER_NAMES: readonly string[] = [
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "webhook-signature",
  "x-api-key",
];

/** A copy safe to store in sync_attempts: secret values replaced, names kept as given. */
export function redactHeaders(
  headers: Readonly<Record<string, string>>,
  extraSecretHeaderNames: readonly (string | null | undefined)[] = [],
): Record<string, string> {
  const secret = new Set(
    [...SECRET_HEADER_NAMES, ...extraSecretHeaderNames]
      .filter((name): name is string => Boolean(name?.trim()))
      .map((name) => name.trim().toLowerCase()),
  );
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, secret.has(name.toLowerCase()) ? REDACTED : value]),
  );
}

/**
 * How much of a receiver's answer and an integration's URL a reader sees: technicians ("hide") see no
 * query strings and no auth-like response headers at all; managers and admins ("redact") see their
 * names with the values replaced, as stored request headers are.
 */
export type Disclosure = "hide" | "redact";

export function disclosureFor(role: Role): Disclosure {
  return hasRole({ role }, "manager") ? "redact" : "hide";
}

/** Response header names that carry credentials or sessions (Set-Cookie, tokens, keys, signatures). */
const AUTH_LIKE = /auth|cookie|token|secret|session|passw|api[-_]?key|signature|credential|csrf|xsrf/i;

function isSecretHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return SECRET_HEADER_NAMES.includes(lower) || AUTH_LIKE.test(lower);
}

/** A receiver's response headers as a reader may see them (stored as received). */
export function redactResponseHeaders(
  headers: Readonly<Record<string, string>> | null,
  disclosure: Disclosure,
): Record<string, string> | null {
  if (headers === null) return null;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    // A Location or Link value names URLs: their query strings follow the same rule.
    if (!isSecretHeader(name)) out[name] = redactUrlsIn(value, disclosure) ?? value;
    else if (disclosure === "redact") out[name] = REDACTED;
  }
  return out;
}

/**
 * A URL as a reader may see it: no user info password, and the query string either gone ("hide") or
 * with every value replaced ("redact"); the fragment is never sent, so it is dropped.
 */
export function redactUrl(url: string, disclosure: Disclosure): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    const [base] = url.split(/[?#]/, 1);
    return disclosure === "hide" || base === url ? base : `${base}?${REDACTED}`;
  }
  const user = parsed.username
    ? disclosure === "hide"
      ? ""
      : `${parsed.username}${parsed.password ? `:${REDACTED}` : ""}@`
    : "";
  const names = [...new Set(parsed.searchParams.keys())];
  const query =
    disclosure === "hide" || !parsed.search
      ? ""
      : `?${names.map((n) => `${encodeURIComponent(n)}=${REDACTED}`).join("&") || REDACTED}`;
  return `${parsed.protocol}//${user}${parsed.host}${parsed.pathname}${query}`;
}

/** Every http(s) URL inside a text (an error message naming a redirect's Location) through redactUrl. */
export function redactUrlsIn(text: string | null, disclosure: Disclosure): string | null {
  return text === null ? null : text.replace(/https?:\/\/[^\s"'<>]+/gi, (url) => redactUrl(url, disclosure));
}
