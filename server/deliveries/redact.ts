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
