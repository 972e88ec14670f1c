import { describe, expect, it } from "vitest";
import { REDACTED, redactHeaders } from "@/server/deliveries/redact";

describe("redactHeaders", () => {
  it("hides secret header values whatever their case and keeps the rest", () => {
    const headers = {
      Authorization: "Bearer abc",
      cookie: "sid=1",
      "webhook-signature": "v1,xyz",
      "X-API-Key": "k",
      "X-N8N-Auth": "shop-secret",
      "content-type": "application/json",
      "webhook-id": "msg_1",
    };
    const redacted = redactHeaders(headers, ["x-n8n-auth"]);
    expect(redacted).toEqual({
      Authorization: REDACTED,
      cookie: REDACTED,
      "webhook-signature": REDACTED,
      "X-API-Key": REDACTED,
      "X-N8N-Auth": REDACTED,
      "content-type": "application/json",
      "webhook-id": "msg_1",
    });
    expect(headers.Authorization).toBe("Bearer abc");
  });

  it("leaves a custom header alone when it is not named as secret", () => {
    expect(redactHeaders({ "X-N8N-Auth": "v" }, [null, ""])).toEqual({ "X-N8N-Auth": "v" });
  });
});
