import { STATUS_CODES } from "node:http";
import { type Agent, type Dispatcher, request } from "undici";
import { env } from "@/lib/env";
import { createGuardedDispatcher, parseAllowlist } from "./ssrf";

export const RESPONSE_BODY_LIMIT_BYTES = 16 * 1024;
const WEBHOOK_USER_AGENT = "FixedService-Webhooks/1.0";

export type DeliveryErrorKind =
  | "timeout"
  | "dns"
  | "refused"
  | "reset"
  | "tls"
  | "http"
  | "ssrf"
  | "redirect"
  | "unknown";

export interface DeliveryResult {
  ok: boolean;
  status: number | null;
  responseHeaders: Record<string, string>;
  /** The first RESPONSE_BODY_LIMIT_BYTES of the body, never ending in a split character. */
  responseBody: string;
  responseBodyTruncated: boolean;
  durationMs: number;
  errorKind: DeliveryErrorKind | null;
  errorMessage: string | null;
  retryAfterMs: number | null;
}

export type DeliveryClass = "success" | "retry" | "retry-after" | "pause-integration" | "fail-permanently";

export interface DeliverWebhookInput {
  url: string;
  body: string;
  headers: Readonly<Record<string, string>>;
  timeoutMs: number;
  /** Required on purpose: pass the SSRF-guarded dispatcher (createGuardedDispatcher). */
  dispatcher: Dispatcher;
}

const TIMEOUT_CODES = new Set([
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_ABORTED",
  "ABORT_ERR",
]);
const DNS_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_FAIL", "EAI_NONAME", "ENODATA"]);
const REFUSED_CODES = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "EHOSTDOWN"]);
const RESET_CODES = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED", "UND_ERR_SOCKET", "UND_ERR_CLOSED"]);
const TLS_CODES = new Set([
  "EPROTO",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "HOSTNAME_MISMATCH",
]);

interface ErrorFacts {
  codes: string[];
  names: string[];
  messages: string[];
}

function collectErrorFacts(
  error: unknown,
  facts: ErrorFacts = { codes: [], names: [], messages: [] },
  depth = 0,
) {
  if (depth > 5 || error === null || typeof error !== "object") {
    if (typeof error === "string") facts.messages.push(error);
    return facts;
  }
  const { code, name, message, cause, errors } = error as {
    code?: unknown;
    name?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === "string") facts.codes.push(code);
  if (typeof name === "string") facts.names.push(name);
  if (typeof message === "string" && message) facts.messages.push(message);
  if (cause) collectErrorFacts(cause, facts, depth + 1);
  if (Array.isArray(errors)) for (const inner of errors) collectErrorFacts(inner, facts, depth + 1);
  return facts;
}

export function classifyError(error: unknown): DeliveryErrorKind {
  const { codes, names } = collectErrorFacts(error);
  const has = (set: Set<string>) => codes.some((code) => set.has(code));
  if (codes.includes("SSRF_BLOCKED")) return "ssrf";
  if (names.includes("TimeoutError") || names.includes("AbortError") || has(TIMEOUT_CODES)) return "timeout";
  if (has(DNS_CODES)) return "dns";
  if (has(REFUSED_CODES)) return "refused";
  if (has(TLS_CODES) || codes.some((code) => /^(CERT_|ERR_TLS_|ERR_SSL_|ERR_OSSL_)/.test(code))) {
    return "tls";
  }
  if (has(RESET_CODES)) return "reset";
  return "unknown";
}

function describeError(error: unknown, kind: DeliveryErrorKind, timeoutMs: number): string {
  if (kind === "timeout") return `No complete response within ${timeoutMs} ms`;
  const { codes, messages } = collectErrorFacts(error);
  // undici wraps the useful error ("connect ECONNREFUSED 1.2.3.4:80") in generic ones.
  const generic = new Set(["fetch failed", "other side closed"]);
  const message = messages.find((m) => !generic.has(m)) ?? messages[0] ?? String(error);
  const code = codes[0];
  return code && kind !== "ssrf" && !message.includes(code) ? `${code}: ${message}` : message;
}

/** Seconds or an HTTP date, as milliseconds from `now`; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  if (!/[a-z]/i.test(trimmed)) return null;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

async function readExcerpt(
  body: AsyncIterable<Uint8Array> & { destroy(): unknown },
): Promise<{ text: string; truncated: boolean }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.byteLength;
    if (size > RESPONSE_BODY_LIMIT_BYTES) {
      truncated = true;
      body.destroy();
      break;
    }
  }
  const bytes = Buffer.concat(chunks).subarray(0, RESPONSE_BODY_LIMIT_BYTES);
  // stream: true holds back an incomplete trailing sequence instead of emitting U+FFFD for it.
  const text = new TextDecoder("utf-8").decode(bytes, { stream: truncated });
  return { text, truncated };
}

/** POSTs one webhook. Never throws: every outcome, including bugs in the request, is a result. */
export async function deliverWebhook({
  url,
  body,
  headers,
  timeoutMs,
  dispatcher,
}: DeliverWebhookInput): Promise<DeliveryResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const signal = AbortSignal.timeout(timeoutMs);
  let status: number | null = null;
  let responseHeaders: Record<string, string> = {};
  try {
    const response = await request(url, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", "user-agent": WEBHOOK_USER_AGENT, ...headers },
      dispatcher,
      signal,
    });
    status = response.statusCode;
    responseHeaders = flattenHeaders(response.headers);
    const excerpt = await readExcerpt(response.body);
    const ok = status >= 200 && status < 300;
    const redirect = status >= 300 && status < 400;
    const reason = STATUS_CODES[status] ? ` ${STATUS_CODES[status]}` : "";
    let errorMessage: string | null = null;
    if (redirect) {
      const location = responseHeaders.location;
      errorMessage = `HTTP ${status}${reason}${location ? ` to ${location}` : ""} (redirects are not followed)`;
    } else if (!ok) {
      errorMessage = `HTTP ${status}${reason}`;
    }
    return {
      ok,
      status,
      responseHeaders,
      responseBody: excerpt.text,
      responseBodyTruncated: excerpt.truncated,
      durationMs: elapsed(),
      errorKind: ok ? null : redirect ? "redirect" : "http",
      errorMessage,
      retryAfterMs: parseRetryAfter(responseHeaders["retry-after"]),
    };
  } catch (error) {
    const errorKind = signal.aborted ? "timeout" : classifyError(error);
    return {
      ok: false,
      status,
      responseHeaders,
      responseBody: "",
      responseBodyTruncated: false,
      durationMs: elapsed(),
      errorKind,
      errorMessage: describeError(error, errorKind, timeoutMs),
      retryAfterMs: null,
    };
  }
}

/**
 * What the delivery step does next. Only a receiver's explicit 4xx stops retries; a policy refusal
 * (SSRF) also stops, since retrying cannot change it until the configuration does.
 */
export function classifyResponse(
  result: Pick<DeliveryResult, "ok" | "status" | "errorKind" | "retryAfterMs">,
): DeliveryClass {
  if (result.ok) return "success";
  if (result.errorKind === "ssrf") return "fail-permanently";
  const { status } = result;
  if (status === 410) return "pause-integration";
  if (status !== null && status >= 400 && status < 500 && status !== 408 && status !== 429) {
    return "fail-permanently";
  }
  return result.retryAfterMs !== null ? "retry-after" : "retry";
}

let dispatcher: { key: string; agent: Agent } | undefined;

/** One SSRF-guarded connection pool per process (rebuilt if the allowlist changes, e.g. in tests). */
export function webhookDispatcher(): Agent {
  const key = env().WEBHOOK_ALLOWED_HOSTS;
  if (dispatcher?.key !== key) {
    dispatcher = { key, agent: createGuardedDispatcher({ allowlist: parseAllowlist(key) }) };
  }
  return dispatcher.agent;
}
