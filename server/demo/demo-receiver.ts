import { Webhook } from "standardwebhooks";

export type ReceivedWebhook = {
  seq: number;
  receivedAt: string;
  path: string;
  headers: Record<string, string>;
  body: string;
};

export type CheckedWebhook = ReceivedWebhook & {
  signatureValid: boolean;
  json: { type?: string; revision?: number; work_item?: { reference?: string; id?: number } } | null;
};

/** Where the dev-only demo receiver lists what it got (same origin as its webhook URL). */
function demoReceiverListUrl(webhookUrl: string): string {
  return new URL("/received", webhookUrl).toString();
}

export async function fetchReceived(webhookUrl: string): Promise<ReceivedWebhook[] | null> {
  try {
    const res = await fetch(demoReceiverListUrl(webhookUrl), {
      cache: "no-store",
      signal: AbortSignal.timeout(2000),
    });
    if (!res.ok) return null;
    return ((await res.json()) as { data: ReceivedWebhook[] }).data;
  } catch {
    return null;
  }
}

/** Verifies each webhook as a receiver would, with any of the integration's current secrets. */
export function checkSignatures(received: ReceivedWebhook[], secrets: string[]): CheckedWebhook[] {
  const verifiers = secrets.map((s) => new Webhook(s));
  return received.map((r) => {
    let json: CheckedWebhook["json"] = null;
    try {
      json = JSON.parse(r.body);
    } catch {}
    const signatureValid = verifiers.some((v) => {
      try {
        v.verify(r.body, r.headers);
        return true;
      } catch {
        return false;
      }
    });
    return { ...r, signatureValid, json };
  });
}
