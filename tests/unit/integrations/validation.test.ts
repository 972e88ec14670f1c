import { describe, expect, it } from "vitest";
import { z } from "zod";
import { integrationInput } from "@/server/integrations/validation";

const valid = {
  name: "n8n",
  url: "https://n8n.example.com/webhook/abc",
  eventTypes: ["workitem_created"],
  headerName: "X-N8N-Auth",
  headerValue: "s3cret-value",
};

function fieldErrors(input: unknown): Record<string, string[]> {
  const result = integrationInput.safeParse(input);
  if (result.success) return {};
  return z.flattenError(result.error).fieldErrors as Record<string, string[]>;
}

describe("integration extra header", () => {
  it("accepts an ordinary header name and value", () => {
    expect(fieldErrors(valid)).toEqual({});
    expect(fieldErrors({ ...valid, headerValue: "Bearer abc\tdef" })).toEqual({});
  });

  it.each([
    "Transfer-Encoding",
    "Content-Length",
    "Host",
    "Expect",
    "Upgrade",
    "Keep-Alive",
    "Connection",
    "TE",
    "Trailer",
    "Proxy-Authorization",
    "proxy-connection",
    "Content-Type",
    "webhook-signature",
    "Webhook-Id",
    "webhook-timestamp",
  ])("refuses the hop-by-hop, framing or own header name %s with a clear error", (headerName) => {
    expect(fieldErrors({ ...valid, headerName }).headerName).toEqual([
      expect.stringMatching(/set by Fixed Service or controls the connection/),
    ]);
  });

  it.each([
    ["CR LF", "abc\r\nX-Injected: 1"],
    ["LF", "abc\ndef"],
    ["CR", "abc\rdef"],
    ["NUL", "abc\u0000def"],
    ["DEL", "abc\u007fdef"],
    ["ESC", "abc\u001bdef"],
  ])("refuses a header value with %s with a clear error", (_label, headerValue) => {
    expect(fieldErrors({ ...valid, headerValue }).headerValue).toEqual([
      expect.stringMatching(/line breaks or other control characters/),
    ]);
  });

  it("refuses non-ASCII and padded values, which would not arrive as typed", () => {
    expect(fieldErrors({ ...valid, headerValue: "schlüssel" }).headerValue).toEqual([
      expect.stringMatching(/ASCII/),
    ]);
    expect(fieldErrors({ ...valid, headerValue: " padded " }).headerValue).toEqual([
      expect.stringMatching(/start or end with spaces/),
    ]);
  });
});
