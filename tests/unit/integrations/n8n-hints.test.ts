import { describe, expect, it } from "vitest";
import type { DeliveryResult } from "@/server/deliveries/http";
import { hintFor } from "@/server/integrations/n8n-hints";

const failed = (over: Partial<DeliveryResult>) => ({ ok: false, status: null, errorKind: null, ...over });

describe("hintFor", () => {
  it("explains n8n's 404 for inactive workflows and Test URLs", () => {
    expect(hintFor(failed({ status: 404, errorKind: "http" }))).toBe(
      "n8n answers 404 when the workflow is inactive or when you used the Test URL (…/webhook-test/…) — activate the workflow and use the Production URL",
    );
    expect(
      hintFor(failed({ status: 404, errorKind: "http" }), { url: "https://n8n.shop/webhook-test/abc" }),
    ).toMatch(/Test URL.*Production URL/);
  });

  it("suggests responding immediately on a timeout", () => {
    expect(hintFor(failed({ errorKind: "timeout" }))).toMatch(/respond 'Immediately'/);
  });

  it.each([401, 403])("points at header auth on %i", (status) => {
    expect(hintFor(failed({ status, errorKind: "http" }))).toMatch(/Header Auth/);
  });

  it.each(["refused", "dns"] as const)("calls the host unreachable on %s", (errorKind) => {
    expect(hintFor(failed({ errorKind }))).toMatch(/could not be reached/);
  });

  it("explains the allowlist when the SSRF guard refused", () => {
    expect(hintFor(failed({ errorKind: "ssrf" }))).toMatch(/WEBHOOK_ALLOWED_HOSTS/);
  });

  it("has nothing to say about success or an ordinary 502", () => {
    expect(hintFor({ ok: true, status: 200, errorKind: null })).toBeNull();
    expect(hintFor(failed({ status: 502, errorKind: "http" }))).toBeNull();
  });
});
