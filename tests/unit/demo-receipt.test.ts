import { describe, expect, it } from "vitest";
import { generateSecret, signWebhook } from "@/server/deliveries/sign";
import { receiverKeyFor, storedVerdict, verifyOnReceipt } from "@/server/demo/receipt";

const SECRET = generateSecret();
const KEYS = [receiverKeyFor("http://localhost:3999/hooks/work-items", "demo-receiver", SECRET)];
const BODY = JSON.stringify({ type: "workitem_updated", revision: 2 });
const SENT_AT = new Date("2026-03-01T10:00:00Z");

function delivery({ secret = SECRET, path = "/hooks/work-items", body = BODY, sentAt = SENT_AT } = {}) {
  const headers = signWebhook({ msgId: "sync-1", timestamp: sentAt, body, secrets: [secret] });
  return { path, headers: { ...headers, "content-type": "application/json" }, body };
}

const arrivedAfter = (ms: number) => new Date(SENT_AT.getTime() + ms);

describe("the demo receiver's check on receipt", () => {
  it("finds a delivery signed with its integration's secret valid, and names the integration", () => {
    expect(verifyOnReceipt(delivery(), KEYS, arrivedAfter(1_000))).toEqual({
      status: "valid",
      integration: "demo-receiver",
    });
  });

  it("applies the timestamp tolerance at the receiver's clock on arrival", () => {
    expect(verifyOnReceipt(delivery(), KEYS, arrivedAfter(4 * 60_000)).status).toBe("valid");
    expect(verifyOnReceipt(delivery(), KEYS, arrivedAfter(6 * 60_000))).toEqual({
      status: "invalid",
      integration: "demo-receiver",
      reason: "timestamp 6 minutes old on arrival (tolerance 5 minutes)",
    });
    expect(verifyOnReceipt(delivery(), KEYS, arrivedAfter(-6 * 60_000))).toMatchObject({
      status: "invalid",
      reason: "timestamp 6 minutes in the future on arrival (tolerance 5 minutes)",
    });
  });

  it("finds a forged signature or a changed body invalid", () => {
    expect(verifyOnReceipt(delivery({ secret: generateSecret() }), KEYS, arrivedAfter(1_000))).toEqual({
      status: "invalid",
      integration: "demo-receiver",
      reason: "no signature matches demo-receiver's secret",
    });
    const tampered = { ...delivery(), body: BODY.replace("2", "3") };
    expect(verifyOnReceipt(tampered, KEYS, arrivedAfter(1_000)).status).toBe("invalid");
  });

  it("accepts any one of several signatures (a rotation's grace period signs twice)", () => {
    const both = signWebhook({
      msgId: "sync-1",
      timestamp: SENT_AT,
      body: BODY,
      secrets: [generateSecret(), SECRET],
    });
    expect(
      verifyOnReceipt({ path: "/hooks/work-items", headers: { ...both }, body: BODY }, KEYS, arrivedAfter(0))
        .status,
    ).toBe("valid");
  });

  it("refuses a delivery without the Standard Webhooks headers", () => {
    const { "webhook-signature": _, ...headers } = delivery().headers;
    expect(verifyOnReceipt({ ...delivery(), headers }, KEYS, arrivedAfter(0))).toMatchObject({
      status: "invalid",
      reason: "missing webhook-id, webhook-timestamp or webhook-signature",
    });
  });

  it("does not check a delivery for an integration whose secret it does not hold", () => {
    expect(verifyOnReceipt(delivery({ path: "/hooks/my-n8n" }), KEYS, arrivedAfter(0))).toEqual({
      status: "unknown-integration",
    });
    expect(verifyOnReceipt(delivery(), [], arrivedAfter(0))).toEqual({ status: "unknown-integration" });
  });

  it("matches the integration's path with or without a trailing slash", () => {
    expect(verifyOnReceipt(delivery({ path: "/hooks/work-items/" }), KEYS, arrivedAfter(0)).status).toBe(
      "valid",
    );
  });

  it("reads a record stored before the receiver checked on receipt as not checked", () => {
    expect(storedVerdict({})).toEqual({ status: "not-checked" });
    expect(storedVerdict({ verdict: { status: "valid", integration: "demo-receiver" } })).toEqual({
      status: "valid",
      integration: "demo-receiver",
    });
  });
});
