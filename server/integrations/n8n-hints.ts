import type { DeliveryResult } from "@/server/deliveries/http";
import { ALLOWLIST_ENV_NAME } from "@/server/deliveries/ssrf";

const N8N_HINTS = {
  notFound:
    "n8n answers 404 when the workflow is inactive or when you used the Test URL (…/webhook-test/…) — activate the workflow and use the Production URL",
  testUrl:
    "This is n8n's Test URL (…/webhook-test/…), which only listens while the editor waits for a test event — activate the workflow and use the Production URL (…/webhook/…)",
  timeout: "Set the Webhook node to respond 'Immediately' so n8n answers before the workflow finishes",
  auth: "The receiver refused the credentials: check that the integration's header name and value match the Webhook node's Header Auth credential exactly",
  unreachable:
    "The receiver's host could not be reached: check the host name and port, and that n8n is running and reachable from this server",
  ssrf: `The URL points to a private, loopback or otherwise internal address, which webhooks may not reach. To allow it (e.g. n8n on your own network), add the host or a CIDR range to ${ALLOWLIST_ENV_NAME} and restart the app`,
  redirect:
    "The URL redirects (often http → https or a missing path segment) and redirects are not followed — use the final URL",
  tls: "The TLS handshake failed: the receiver's certificate is invalid, expired or does not match the host name",
  serverError:
    "The receiver answered 500; in n8n that usually means the workflow failed before answering — open its executions to see which node failed",
  tooLarge: "The receiver refused the payload size — raise N8N_PAYLOAD_SIZE_MAX on the n8n side",
} as const;

/** A human hint for common n8n set-up mistakes, or null when there is nothing useful to say. */
export function hintFor(
  result: Pick<DeliveryResult, "ok" | "status" | "errorKind">,
  { url }: { url?: string } = {},
): string | null {
  if (result.ok) return null;
  const isTestUrl = url?.includes("/webhook-test/") ?? false;
  switch (result.errorKind) {
    case "timeout":
      return N8N_HINTS.timeout;
    case "refused":
    case "dns":
      return N8N_HINTS.unreachable;
    case "ssrf":
      return N8N_HINTS.ssrf;
    case "redirect":
      return N8N_HINTS.redirect;
    case "tls":
      return N8N_HINTS.tls;
  }
  switch (result.status) {
    case 404:
      return isTestUrl ? N8N_HINTS.testUrl : N8N_HINTS.notFound;
    case 401:
    case 403:
      return N8N_HINTS.auth;
    case 413:
      return N8N_HINTS.tooLarge;
    case 500:
      return N8N_HINTS.serverError;
  }
  return isTestUrl ? N8N_HINTS.testUrl : null;
}
