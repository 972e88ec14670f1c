import "server-only";
import { request } from "undici";
import { type Env, env } from "@/lib/env";
import { webhookDispatcher } from "@/server/deliveries/http";
import type { SignatureVerdict } from "./receipt";

const LIST_TIMEOUT_MS = 2_000;
const LIST_LIMIT_BYTES = 2 * 1024 * 1024;

/** A delivery as the demo receiver stored it (scripts/demo-receiver.ts), with its verdict from arrival. */
export type ReceivedWebhook = {
  seq: number;
  receivedAt: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Absent on records the receiver kept before it checked signatures on arrival. */
  verdict?: SignatureVerdict;
};

/** Where the dev-only demo receiver lists what it got (same origin as its webhook URL). */
function demoReceiverListUrl(webhookUrl: string, list: "received" | "mails"): string {
  return new URL(`/${list}`, webhookUrl).toString();
}

/**
 * The demo receiver page exists only where the demo does: in development, or a production build that
 * seeds demo data on purpose (SEED_DEMO_DATA=1, the e2e server). Elsewhere it is a 404.
 */
export function demoReceiverEnabled(config: Pick<Env, "NODE_ENV" | "SEED_DEMO_DATA"> = env()): boolean {
  return config.NODE_ENV !== "production" || config.SEED_DEMO_DATA;
}

/**
 * What the demo receiver got, or null when it cannot be read. The request goes where a webhook to the
 * integration would, so it takes the same road: the SSRF-guarded dispatcher (WEBHOOK_ALLOWED_HOSTS),
 * no redirects followed (a 3xx is "not running"), a timeout and a size cap.
 */
export function fetchReceived(webhookUrl: string): Promise<ReceivedWebhook[] | null> {
  return fetchList<ReceivedWebhook>(demoReceiverListUrl(webhookUrl, "received"));
}

/** A mail the demo receiver's catcher got (scripts/mail-catcher.ts). */
export type CaughtMail = {
  seq: number;
  receivedAt: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
};

/** The e-mail the demo receiver caught (npm run dev points SMTP_URL at it), newest first; null when unreadable. */
export function fetchCaughtMails(webhookUrl: string): Promise<CaughtMail[] | null> {
  return fetchList<CaughtMail>(demoReceiverListUrl(webhookUrl, "mails"));
}

async function fetchList<T>(url: string): Promise<T[] | null> {
  try {
    const res = await request(url, {
      method: "GET",
      dispatcher: webhookDispatcher(),
      signal: AbortSignal.timeout(LIST_TIMEOUT_MS),
    });
    if (res.statusCode !== 200) {
      await res.body.dump();
      return null;
    }
    let size = 0;
    const chunks: Buffer[] = [];
    for await (const chunk of res.body) {
      size += chunk.length;
      if (size > LIST_LIMIT_BYTES) {
        res.body.destroy();
        return null;
      }
      chunks.push(chunk);
    }
    const data = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { data?: unknown }).data;
    return Array.isArray(data) ? (data as T[]) : null;
  } catch {
    return null;
  }
}
