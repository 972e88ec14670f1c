import { createHash, createHmac, timingSafeEqual } from "node:crypto";

const PREFIX = /^signkey-[\w]+-/;

/** RFC 8785 canonical JSON: sorted keys, no whitespace. This is what the SDK re-computes to verify. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) return "null";
    return JSON.stringify(value) ?? "null";
  }
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** `x-inngest-signature` value for a request body sent to the SDK. */
export function signBody(body: unknown, signingKey: string, now = Date.now()): string {
  const t = Math.round(now / 1000).toString();
  const s = createHmac("sha256", signingKey.replace(PREFIX, ""))
    .update(canonicalJson(body) + t)
    .digest("hex");
  return `t=${t}&s=${s}`;
}

/** The bearer token the SDK sends: `signkey-<env>-<sha256 of the hex-decoded key>`. */
export function hashedSigningKey(signingKey: string): string {
  const prefix = PREFIX.exec(signingKey)?.[0] ?? "";
  const key = signingKey.replace(PREFIX, "");
  return prefix + createHash("sha256").update(Buffer.from(key, "hex")).digest("hex");
}

export function verifyBearer(header: string | undefined, signingKey: string): boolean {
  if (!header?.startsWith("Bearer ")) return false;
  const given = Buffer.from(header.slice("Bearer ".length).trim());
  const expected = Buffer.from(hashedSigningKey(signingKey));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The REST API's token: the signing key itself (as Inngest's API takes it) or the SDK's hashed form. */
export function verifyApiBearer(header: string | undefined, signingKey: string): boolean {
  if (!header?.startsWith("Bearer ")) return false;
  const given = header.slice("Bearer ".length).trim();
  return sameText(given, signingKey) || sameText(given, hashedSigningKey(signingKey));
}

/** The event key in `POST /e/:key`, compared in constant time. */
export function verifyEventKey(given: string, eventKey: string): boolean {
  return sameText(given, eventKey);
}
