import { timingSafeEqual } from "node:crypto";
import { Webhook } from "standardwebhooks";

/** The integration the development seed points at the demo receiver. */
export const DEMO_INTEGRATION_NAME = "demo-receiver";

/** Standard Webhooks' tolerance: a receiver refuses a timestamp further than this from its own clock. */
const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

/** A secret the demo receiver holds: deliveries to `path` come from `integration`. */
export type ReceiverKey = { path: string; integration: string; secret: string };

/**
 * What the demo receiver concluded when a delivery arrived, stored with it: the page shows this and never
 * verifies again (a later check would fail on the timestamp's age alone).
 */
export type SignatureVerdict =
  | { status: "valid"; integration: string }
  | { status: "invalid"; integration: string; reason: string }
  | { status: "unknown-integration" };

/** A stored delivery's verdict; records the receiver kept before it checked on receipt have none. */
export type StoredVerdict = SignatureVerdict | { status: "not-checked" };

function normalizePath(value: string): string {
  return value.length > 1 ? value.replace(/\/+$/, "") : value;
}

/** The receiver's key for deliveries to `webhookUrl`'s path. */
export function receiverKeyFor(webhookUrl: string, integration: string, secret: string): ReceiverKey {
  return { path: normalizePath(new URL(webhookUrl).pathname), integration, secret };
}

function header(headers: Record<string, string | undefined>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

function minutes(seconds: number): string {
  const m = Math.round(seconds / 60);
  return m <= 1 ? `${seconds} s` : `${m} minutes`;
}

/**
 * Verifies a delivery as a Standard Webhooks receiver does when it arrives: the integration is the one whose
 * path it was posted to, the timestamp must be within the tolerance of `now` (the receiver's clock), and
 * one `v1,` signature must match the integration's secret.
 */
export function verifyOnReceipt(
  delivery: { path: string; headers: Record<string, string | undefined>; body: string },
  keys: readonly ReceiverKey[],
  now: Date,
): SignatureVerdict {
  const key = keys.find((k) => k.path === normalizePath(delivery.path));
  if (!key) return { status: "unknown-integration" };
  const invalid = (reason: string): SignatureVerdict => ({
    status: "invalid",
    integration: key.integration,
    reason,
  });

  const id = header(delivery.headers, "webhook-id");
  const timestampText = header(delivery.headers, "webhook-timestamp");
  const signatures = header(delivery.headers, "webhook-signature");
  if (!id || !timestampText || !signatures) {
    return invalid("missing webhook-id, webhook-timestamp or webhook-signature");
  }
  if (!/^\d+$/.test(timestampText)) return invalid(`webhook-timestamp "${timestampText}" is not a number`);
  const timestamp = Number(timestampText);
  const age = Math.floor(now.getTime() / 1000) - timestamp;
  if (age > TIMESTAMP_TOLERANCE_SECONDS) {
    return invalid(`timestamp ${minutes(age)} old on arrival (tolerance 5 minutes)`);
  }
  if (-age > TIMESTAMP_TOLERANCE_SECONDS) {
    return invalid(`timestamp ${minutes(-age)} in the future on arrival (tolerance 5 minutes)`);
  }

  let expected: Buffer;
  try {
    expected = Buffer.from(new Webhook(key.secret).sign(id, new Date(timestamp * 1000), delivery.body));
  } catch {
    return invalid("the receiver's secret for this integration is unusable");
  }
  const matches = signatures.split(" ").some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return matches
    ? { status: "valid", integration: key.integration }
    : invalid(`no signature matches ${key.integration}'s secret`);
}

/** The verdict stored with a delivery, "not checked" for one stored without. */
export function storedVerdict(record: { verdict?: SignatureVerdict | null }): StoredVerdict {
  return record.verdict ?? { status: "not-checked" };
}
