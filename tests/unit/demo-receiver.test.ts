import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import DemoReceiverPage from "@/app/(app)/demo-receiver/page";
import { resetEnvCache } from "@/lib/env";
import { demoReceiverEnabled, fetchReceived } from "@/server/demo/demo-receiver";
import { asUser } from "@/tests/support/auth";
import { startReceiver, type TestReceiver } from "@/tests/support/receiver";

const saved = { ...process.env };
function withAllowlist(value: string | undefined) {
  process.env = { ...saved };
  if (value === undefined) delete process.env.WEBHOOK_ALLOWED_HOSTS;
  else process.env.WEBHOOK_ALLOWED_HOSTS = value;
  resetEnvCache();
}

const LISTED = {
  data: [{ seq: 1, receivedAt: "2026-01-01T00:00:00Z", path: "/hooks", headers: {}, body: "{}" }],
};

describe("the demo receiver page's read of /received", () => {
  let receiver: TestReceiver;
  let elsewhere: TestReceiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    elsewhere = await startReceiver();
  });
  afterEach(() => {
    receiver.clear();
    elsewhere.clear();
    withAllowlist(saved.WEBHOOK_ALLOWED_HOSTS);
  });
  afterAll(async () => {
    process.env = saved;
    resetEnvCache();
    await receiver.close();
    await elsewhere.close();
  });

  it("reads the list from a host webhooks may reach", async () => {
    withAllowlist("127.0.0.1");
    receiver.respondWith({ status: 200, body: LISTED });
    expect(await fetchReceived(receiver.urlFor("/hooks/work-items"))).toEqual(LISTED.data);
    expect(receiver.requests.map((r) => [r.method, r.path])).toEqual([["GET", "/received"]]);
  });

  it("goes through the SSRF guard: an internal host webhooks may not reach is never contacted", async () => {
    withAllowlist("");
    expect(await fetchReceived(receiver.urlFor("/hooks/work-items"))).toBeNull();
    expect(receiver.connectionCount).toBe(0);
  });

  it("does not follow a redirect", async () => {
    withAllowlist("127.0.0.1");
    receiver.respondWith({ status: 302, headers: { location: elsewhere.urlFor("/received") } });
    expect(await fetchReceived(receiver.urlFor("/hooks/work-items"))).toBeNull();
    expect(elsewhere.connectionCount).toBe(0);
  });
});

describe("who sees the demo receiver page", () => {
  it("exists in development and in a production build that seeds demo data, nowhere else", () => {
    expect(demoReceiverEnabled({ NODE_ENV: "development", SEED_DEMO_DATA: false })).toBe(true);
    expect(demoReceiverEnabled({ NODE_ENV: "production", SEED_DEMO_DATA: true })).toBe(true);
    expect(demoReceiverEnabled({ NODE_ENV: "production", SEED_DEMO_DATA: false })).toBe(false);
  });

  it.each(["technician", "manager"] as const)(
    "answers a %s with a 403 before reading anything",
    async (role) => {
      const error = await asUser(role, () => DemoReceiverPage()).then(
        () => null,
        (e: unknown) => e,
      );
      expect(String((error as { digest?: string } | null)?.digest)).toBe("NEXT_HTTP_ERROR_FALLBACK;403");
    },
  );
});
