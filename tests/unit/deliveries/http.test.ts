import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  classifyError,
  classifyResponse,
  type DeliveryResult,
  deliverWebhook,
  parseRetryAfter,
  RESPONSE_BODY_LIMIT_BYTES,
} from "@/server/deliveries/http";
import { generateSecret, signWebhook } from "@/server/deliveries/sign";
import { createGuardedDispatcher, parseAllowlist } from "@/server/deliveries/ssrf";
import { closedPort, startReceiver, type TestReceiver } from "@/tests/support/receiver";

const BODY = JSON.stringify({ id: "evt_1", type: "workitem_updated", revision: 4 });

let receiver: TestReceiver;
const dispatcher = createGuardedDispatcher({
  allowlist: parseAllowlist("127.0.0.1"),
  connectTimeoutMs: 2_000,
});

const send = (
  path: string,
  overrides: { timeoutMs?: number; url?: string; headers?: Record<string, string> } = {},
) =>
  deliverWebhook({
    url: overrides.url ?? receiver.urlFor(path),
    body: BODY,
    headers: overrides.headers ?? {},
    timeoutMs: overrides.timeoutMs ?? 5_000,
    dispatcher,
  });

beforeAll(async () => {
  receiver = await startReceiver();
});
afterEach(() => receiver.clear());
afterAll(async () => {
  await receiver.close();
  await dispatcher.close();
});

describe("deliverWebhook against a real receiver", () => {
  it("posts the signed body and reports a 2xx as success", async () => {
    const secret = generateSecret();
    const signature = signWebhook({ msgId: "msg_ok", timestamp: new Date(), body: BODY, secrets: [secret] });
    receiver.respondWith({
      status: 200,
      headers: { "x-n8n": "yes" },
      body: { message: "Workflow was started" },
    });

    const result = await send("/webhook/abc", { headers: { ...signature, "x-n8n-auth": "s3cret" } });

    expect(result).toMatchObject({
      ok: true,
      status: 200,
      errorKind: null,
      errorMessage: null,
      retryAfterMs: null,
      responseBody: '{"message":"Workflow was started"}',
      responseBodyTruncated: false,
    });
    expect(result.responseHeaders["x-n8n"]).toBe("yes");
    expect(result.durationMs).toBeGreaterThanOrEqual(0);

    const [request] = receiver.requests;
    expect(request).toMatchObject({
      method: "POST",
      path: "/webhook/abc",
      rawBody: BODY,
      json: JSON.parse(BODY),
    });
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers["user-agent"]).toMatch(/^FixedService-Webhooks\//);
    expect(request.headers["x-n8n-auth"]).toBe("s3cret");
    expect(new Webhook(secret).verify(request.rawBody, request.headers)).toEqual(JSON.parse(BODY));
  });

  it("reports a 500 as an http error with the body excerpt", async () => {
    receiver.respondWith({ status: 500, body: "boom" });
    const result = await send("/x");
    expect(result).toMatchObject({
      ok: false,
      status: 500,
      errorKind: "http",
      errorMessage: "HTTP 500 Internal Server Error",
      responseBody: "boom",
    });
  });

  it("times out a receiver that never answers", async () => {
    receiver.respondWith({ hang: true });
    const result = await send("/x", { timeoutMs: 200 });
    expect(result).toMatchObject({ ok: false, status: null, errorKind: "timeout" });
    expect(result.errorMessage).toBe("No complete response within 200 ms");
    expect(result.durationMs).toBeGreaterThanOrEqual(150);
    expect(receiver.requests).toHaveLength(1);
  });

  it("counts the body read in the timeout", async () => {
    receiver.respondWith({ status: 200, body: "partial", stall: true });
    const result = await send("/x", { timeoutMs: 200 });
    expect(result).toMatchObject({ ok: false, status: 200, errorKind: "timeout" });
    expect(classifyResponse(result)).toBe("retry");
  });

  it("reports nothing listening as refused", async () => {
    const port = await closedPort();
    const result = await send("/x", { url: `http://127.0.0.1:${port}/x` });
    expect(result).toMatchObject({ ok: false, status: null, errorKind: "refused" });
    expect(result.errorMessage).toMatch(/ECONNREFUSED/);
  });

  it("reports a dropped connection as reset", async () => {
    receiver.respondWith({ reset: true });
    const result = await send("/x");
    expect(result).toMatchObject({ ok: false, status: null, errorKind: "reset" });
    expect(receiver.requests).toHaveLength(1);
  });

  it("does not follow a redirect and reports it", async () => {
    receiver.respondWith({ status: 302, headers: { location: "/elsewhere" } });
    const result = await send("/x");
    expect(result).toMatchObject({ ok: false, status: 302, errorKind: "redirect" });
    expect(result.errorMessage).toBe("HTTP 302 Found to /elsewhere (redirects are not followed)");
    expect(receiver.requests.map((r) => r.path)).toEqual(["/x"]);
  });

  it("reads Retry-After in seconds from a 429", async () => {
    receiver.respondWith({ status: 429, headers: { "retry-after": "1" } });
    const result = await send("/x");
    expect(result).toMatchObject({ status: 429, errorKind: "http", retryAfterMs: 1_000 });
    expect(classifyResponse(result)).toBe("retry-after");
  });

  it("keeps the first 16 KiB of the body without splitting a character", async () => {
    // "a" then two-byte characters: byte 16383 starts a character that the limit cuts in half.
    receiver.respondWith({ status: 200, body: `a${"é".repeat(10_000)}` });
    const result = await send("/x");
    expect(result.ok).toBe(true);
    expect(result.responseBodyTruncated).toBe(true);
    expect(result.responseBody).toBe(`a${"é".repeat(8_191)}`);
    expect(Buffer.byteLength(result.responseBody)).toBe(RESPONSE_BODY_LIMIT_BYTES - 1);
    expect(result.responseBody).not.toContain("\uFFFD");
  });

  it("runs the scripted answers in order across requests", async () => {
    receiver.respondWith([500, 500, 200]);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await send(`/try-${i}`)).status);
    expect(statuses).toEqual([500, 500, 200]);
    await receiver.waitForRequests(3, { timeoutMs: 1_000 });
  });

  it("reports an unresolvable host as dns", async () => {
    const result = await deliverWebhook({
      url: "http://no-such-host.invalid/webhook",
      body: BODY,
      headers: {},
      timeoutMs: 8_000,
      dispatcher,
    });
    expect(result).toMatchObject({ ok: false, status: null, errorKind: "dns" });
  }, 10_000);

  it("never throws, even for a request it cannot make", async () => {
    const result = await send("/x", { url: "ftp://127.0.0.1/x" });
    expect(result).toMatchObject({ ok: false, status: null, errorKind: "unknown" });
    expect(result.errorMessage).toBeTruthy();
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-05-01T12:00:00Z");
  it.each([
    ["120", 120_000],
    ["0", 0],
    [" 5 ", 5_000],
    ["Fri, 01 May 2026 12:00:30 GMT", 30_000],
    ["Fri, 01 May 2026 11:00:00 GMT", 0],
    ["soon", null],
    ["-1", null],
    ["1.5", null],
    ["", null],
    [undefined, null],
  ])("reads %j as %j ms", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});

describe("classifyError", () => {
  const wrapped = (code: string) =>
    Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error(code), { code }) });
  it.each([
    ["ETIMEDOUT", "timeout"],
    ["UND_ERR_CONNECT_TIMEOUT", "timeout"],
    ["ENOTFOUND", "dns"],
    ["EAI_AGAIN", "dns"],
    ["ECONNREFUSED", "refused"],
    ["ECONNRESET", "reset"],
    ["UND_ERR_SOCKET", "reset"],
    ["EPIPE", "reset"],
    ["CERT_HAS_EXPIRED", "tls"],
    ["ERR_TLS_CERT_ALTNAME_INVALID", "tls"],
    ["DEPTH_ZERO_SELF_SIGNED_CERT", "tls"],
    ["SSRF_BLOCKED", "ssrf"],
    ["EWHATEVER", "unknown"],
  ])("maps %s (also when wrapped) to %s", (code, kind) => {
    expect(classifyError(Object.assign(new Error(code), { code }))).toBe(kind);
    expect(classifyError(wrapped(code))).toBe(kind);
  });

  it("maps an AbortError to timeout", () => {
    expect(classifyError(new DOMException("aborted", "AbortError"))).toBe("timeout");
    expect(classifyError(new DOMException("timed out", "TimeoutError"))).toBe("timeout");
  });
});

describe("classifyResponse", () => {
  const result = (over: Partial<DeliveryResult>) => ({
    ok: false,
    status: null,
    errorKind: null,
    retryAfterMs: null,
    ...over,
  });
  it.each<[string, Partial<DeliveryResult>, ReturnType<typeof classifyResponse>]>([
    ["200", { ok: true, status: 200 }, "success"],
    ["204", { ok: true, status: 204 }, "success"],
    ["500", { status: 500, errorKind: "http" }, "retry"],
    ["503 with Retry-After", { status: 503, errorKind: "http", retryAfterMs: 30_000 }, "retry-after"],
    ["429", { status: 429, errorKind: "http" }, "retry"],
    ["429 with Retry-After", { status: 429, errorKind: "http", retryAfterMs: 1_000 }, "retry-after"],
    ["408", { status: 408, errorKind: "http" }, "retry"],
    ["410", { status: 410, errorKind: "http" }, "pause-integration"],
    ["410 with Retry-After", { status: 410, errorKind: "http", retryAfterMs: 1_000 }, "pause-integration"],
    ["400", { status: 400, errorKind: "http" }, "fail-permanently"],
    ["401", { status: 401, errorKind: "http" }, "fail-permanently"],
    ["404", { status: 404, errorKind: "http" }, "fail-permanently"],
    ["422 with Retry-After", { status: 422, errorKind: "http", retryAfterMs: 1_000 }, "fail-permanently"],
    ["302", { status: 302, errorKind: "redirect" }, "retry"],
    ["timeout", { errorKind: "timeout" }, "retry"],
    ["dns", { errorKind: "dns" }, "retry"],
    ["refused", { errorKind: "refused" }, "retry"],
    ["reset", { errorKind: "reset" }, "retry"],
    ["tls", { errorKind: "tls" }, "retry"],
    ["ssrf", { errorKind: "ssrf" }, "fail-permanently"],
  ])("%s → expected class", (_label, over, expected) => {
    expect(classifyResponse(result(over))).toBe(expected);
  });
});
