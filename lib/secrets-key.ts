/** The length of SECRETS_KEY (AES-256). Kept apart from lib/secrets.ts so lib/env.ts can check it. */
export const KEY_BYTES = 32;

/** A 32-byte key from base64, base64url or 64 hex digits; null when it is none of these. */
export function parseSecretsKey(text: string): Buffer | null {
  const value = text.trim();
  if (/^[0-9a-f]{64}$/i.test(value)) return Buffer.from(value, "hex");
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) return null;
  const bytes = Buffer.from(value.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  return bytes.length === KEY_BYTES ? bytes : null;
}

export const SECRETS_KEY_FORMAT = "must be 32 bytes as base64 or 64 hex digits (openssl rand -base64 32)";
