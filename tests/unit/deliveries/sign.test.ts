import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { generateSecret, signWebhook } from "@/server/deliveries/sign";

const BODY = JSON.stringify({ id: "evt_1", type: "workitem_updated", revision: 2 });

describe("generateSecret", () => {
  it("is whsec_ followed by base64 of 32 random bytes", () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice("whsec_".length), "base64")).toHaveLength(32);
    expect(generateSecret()).not.toBe(secret);
  });
});

describe("signWebhook", () => {
  it("produces headers that standardwebhooks verifies", () => {
    const secret = generateSecret();
    const headers = signWebhook({ msgId: "msg_1", timestamp: new Date(), body: BODY, secrets: [secret] });
    expect(headers["webhook-id"]).toBe("msg_1");
    expect(headers["webhook-timestamp"]).toMatch(/^\d+$/);
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(BODY, { ...headers })).toEqual(JSON.parse(BODY));
  });

  it("signs once per secret during rotation, and each secret verifies on its own", () => {
    const [next, previous] = [generateSecret(), generateSecret()];
    const headers = signWebhook({
      msgId: "msg_2",
      timestamp: new Date(),
      body: BODY,
      secrets: [next, previous],
    });
    const signatures = headers["webhook-signature"].split(" ");
    expect(signatures).toHaveLength(2);
    expect(signatures.every((s) => s.startsWith("v1,"))).toBe(true);
    expect(() => new Webhook(next).verify(BODY, { ...headers })).not.toThrow();
    expect(() => new Webhook(previous).verify(BODY, { ...headers })).not.toThrow();
  });

  it("fails verification with a wrong secret or a changed body", () => {
    const secret = generateSecret();
    const headers = signWebhook({ msgId: "msg_3", timestamp: new Date(), body: BODY, secrets: [secret] });
    expect(() => new Webhook(generateSecret()).verify(BODY, { ...headers })).toThrow(/No matching signature/);
    expect(() => new Webhook(secret).verify(`${BODY} `, { ...headers })).toThrow(/No matching signature/);
  });

  it("keeps webhook-id and the signature stable for the same message", () => {
    const secret = generateSecret();
    const timestamp = new Date("2026-01-02T03:04:05.678Z");
    const a = signWebhook({ msgId: "msg_4", timestamp, body: BODY, secrets: [secret] });
    const b = signWebhook({ msgId: "msg_4", timestamp, body: BODY, secrets: [secret] });
    expect(a).toEqual(b);
    expect(a["webhook-timestamp"]).toBe(String(Math.floor(timestamp.getTime() / 1000)));
  });

  it("refuses to sign without a secret", () => {
    expect(() => signWebhook({ msgId: "m", timestamp: new Date(), body: BODY, secrets: [] })).toThrow();
  });
});
