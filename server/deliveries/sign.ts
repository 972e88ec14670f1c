import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import type { Integration } from "@/db/schema";
import { decryptSecret } from "@/lib/secrets";

const SECRET_PREFIX = "whsec_";

export interface WebhookSignatureHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

export function generateSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString("base64")}`;
}

/**
 * Standard Webhooks headers. Each secret adds one `v1,<sig>`: during a rotation grace period both the
 * new and the old secret sign, so a receiver still holding either one verifies.
 */
export function signWebhook({
  msgId,
  timestamp,
  body,
  secrets,
}: {
  msgId: string;
  timestamp: Date;
  body: string;
  secrets: readonly string[];
}): WebhookSignatureHeaders {
  if (secrets.length === 0) throw new Error("signWebhook needs at least one secret");
  const signatures = [...new Set(secrets)].map((secret) => new Webhook(secret).sign(msgId, timestamp, body));
  return {
    "webhook-id": msgId,
    "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
    "webhook-signature": signatures.join(" "),
  };
}

/**
 * The secrets that sign now: the current one, and the previous one during its grace period. Stored
 * encrypted (lib/secrets.ts); decrypted only here, for signing.
 */
export function signingSecrets(integration: Integration, now = new Date()): string[] {
  const secrets = [decryptSecret(integration.secret)];
  if (
    integration.previousSecret &&
    integration.previousSecretExpiresAt &&
    integration.previousSecretExpiresAt > now
  ) {
    secrets.push(decryptSecret(integration.previousSecret));
  }
  return secrets;
}

export function extraHeaders(
  integration: Pick<Integration, "headerName" | "headerValue">,
): Record<string, string> {
  return integration.headerName && integration.headerValue
    ? { [integration.headerName.toLowerCase()]: decryptSecret(integration.headerValue) }
    : {};
}
