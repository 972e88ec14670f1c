import { signBody } from "./signing";

export interface Op {
  op: string;
  id: string;
  name?: string;
  displayName?: string;
  data?: unknown;
  error?: unknown;
  opts?: Record<string, unknown>;
}

export type SdkOutcome =
  | { kind: "complete"; output: unknown }
  | { kind: "ops"; ops: Op[]; noRetry?: boolean; retryAfterMs?: number }
  | { kind: "error"; retriable: boolean; error: unknown; status: number; retryAfterMs?: number };

export interface SdkRequest {
  url: string;
  body: unknown;
  signingKey?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return text;
  }
}

/** Sends one execution request to the SDK and classifies its answer. Never throws. */
export async function callSdk(req: SdkRequest): Promise<SdkOutcome> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-inngest-server-kind": req.signingKey ? "cloud" : "dev",
    "x-inngest-req-version": "2",
    // fetch asks for gzip by default; compressing every SDK answer costs the app CPU for nothing on a local hop.
    "accept-encoding": "identity",
  };
  if (req.signingKey) headers["x-inngest-signature"] = signBody(req.body, req.signingKey);
  let res: Response;
  let text: string;
  try {
    res = await fetch(req.url, {
      method: "POST",
      headers,
      body: JSON.stringify(req.body),
      signal: req.signal
        ? AbortSignal.any([req.signal, AbortSignal.timeout(req.timeoutMs)])
        : AbortSignal.timeout(req.timeoutMs),
    });
    text = await res.text();
  } catch (error) {
    return {
      kind: "error",
      retriable: true,
      status: 0,
      error: { name: "Error", message: `request to SDK failed: ${(error as Error).message}` },
    };
  }
  const body = parseJson(text);
  const noRetryHeader = res.headers.get("x-inngest-no-retry");
  const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"));
  if (res.status === 200) return { kind: "complete", output: body };
  if (res.status === 206) {
    const ops = Array.isArray(body) ? (body as Op[]) : [body as Op];
    if (ops.some((o) => !o || typeof o !== "object" || typeof o.op !== "string")) {
      return {
        kind: "error",
        retriable: true,
        status: 206,
        error: { name: "Error", message: "malformed 206 body" },
      };
    }
    return { kind: "ops", ops, noRetry: noRetryHeader === "true", retryAfterMs };
  }
  const retriable =
    noRetryHeader === "true"
      ? false
      : noRetryHeader === "false"
        ? true
        : res.status >= 500 || res.status === 401;
  return { kind: "error", retriable, status: res.status, error: body, retryAfterMs };
}
