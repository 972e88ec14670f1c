import { fetch } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { deliverWebhook } from "@/server/deliveries/http";
import {
  checkAddress,
  createGuardedDispatcher,
  isAddressBlocked,
  parseAllowlist,
  SSRF_BLOCKED,
  validateWebhookUrl,
} from "@/server/deliveries/ssrf";
import { startReceiver, type TestReceiver } from "@/tests/support/receiver";

describe("isAddressBlocked", () => {
  it.each([
    ["127.0.0.1", "127.0.0.1 is a loopback address"],
    ["127.8.9.10", "127.8.9.10 is a loopback address"],
    ["[::1]", "::1 is a loopback address"],
    ["0.0.0.0", "0.0.0.0 is an unspecified address"],
    ["::", ":: is an unspecified address"],
    ["10.0.0.1", "10.0.0.1 is a private address"],
    ["172.16.5.4", "172.16.5.4 is a private address"],
    ["172.31.255.255", "172.31.255.255 is a private address"],
    ["192.168.1.10", "192.168.1.10 is a private address"],
    ["169.254.169.254", "169.254.169.254 is a cloud metadata address"],
    ["fd00:ec2::254", "fd00:ec2::254 is a cloud metadata address"],
    ["100.100.100.200", "100.100.100.200 is a cloud metadata address"],
    ["169.254.1.1", "169.254.1.1 is a link-local address"],
    ["fe80::1", "fe80::1 is a link-local address"],
    ["100.64.0.1", "100.64.0.1 is a carrier-grade NAT address"],
    ["fd00::1", "fd00::1 is a unique local address"],
    ["fc00::1", "fc00::1 is a unique local address"],
    ["224.0.0.1", "224.0.0.1 is a multicast address"],
    ["ff02::1", "ff02::1 is a multicast address"],
    ["255.255.255.255", "255.255.255.255 is a broadcast address"],
    ["240.0.0.1", "240.0.0.1 is a reserved address"],
    ["192.0.2.1", "192.0.2.1 is a reserved address"],
    ["2001:db8::1", "2001:db8::1 is a reserved address"],
    ["::ffff:127.0.0.1", "::ffff:127.0.0.1 is a loopback address"],
    ["::ffff:a00:1", "::ffff:a00:1 is a private address"],
    ["::ffff:169.254.169.254", "::ffff:169.254.169.254 is a cloud metadata address"],
    ["not-an-ip", "not-an-ip is not an IP address"],
  ])("blocks %s", (ip, reason) => {
    expect(isAddressBlocked(ip)).toBe(reason);
  });

  it.each(["8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])(
    "lets public %s through",
    (ip) => {
      expect(isAddressBlocked(ip)).toBeNull();
    },
  );
});

describe("IPv6 addresses that embed an IPv4 address", () => {
  it.each([
    ["64:ff9b::7f00:1", "64:ff9b::7f00:1 is a NAT64 address for 127.0.0.1, a loopback address"],
    ["64:ff9b::10.0.0.1", "64:ff9b::10.0.0.1 is a NAT64 address for 10.0.0.1, a private address"],
    [
      "64:ff9b::a9fe:a9fe",
      "64:ff9b::a9fe:a9fe is a NAT64 address for 169.254.169.254, a cloud metadata address",
    ],
    ["64:ff9b:1::808:808", "64:ff9b:1::808:808 is a local-use NAT64 address"],
    ["64:ff9b:1:ab::7f00:1", "64:ff9b:1:ab::7f00:1 is a local-use NAT64 address"],
    ["2002:7f00:1::", "2002:7f00:1:: is a 6to4 address for 127.0.0.1, a loopback address"],
    [
      "2002:a9fe:a9fe::1",
      "2002:a9fe:a9fe::1 is a 6to4 address for 169.254.169.254, a cloud metadata address",
    ],
    ["2002:c0a8:101::", "2002:c0a8:101:: is a 6to4 address for 192.168.1.1, a private address"],
    // Teredo: server 8.8.8.8, client 127.0.0.1 stored inverted (~7f00:0001 = 80ff:fffe).
    [
      "2001:0:808:808::80ff:fffe",
      "2001:0:808:808::80ff:fffe is a Teredo address for 127.0.0.1, a loopback address",
    ],
    [
      "2001:0:a00:1::f7f7:f7f7",
      "2001:0:a00:1::f7f7:f7f7 is a Teredo address for 10.0.0.1, a private address",
    ],
    ["::ffff:0:7f00:1", "::ffff:0:7f00:1 is an IPv4-translated address for 127.0.0.1, a loopback address"],
    [
      "::ffff:0:a9fe:a9fe",
      "::ffff:0:a9fe:a9fe is an IPv4-translated address for 169.254.169.254, a cloud metadata address",
    ],
  ])("blocks %s", (ip, reason) => {
    expect(isAddressBlocked(ip)).toBe(reason);
  });

  it.each([
    "64:ff9b::808:808", // NAT64 for 8.8.8.8
    "2002:808:808::1", // 6to4 for 8.8.8.8
    "2001:0:808:808::f7f7:f7f7", // Teredo, server and client 8.8.8.8
    "::ffff:0:808:808", // SIIT for 8.8.8.8
  ])("lets %s through when the IPv4 address inside is public", (ip) => {
    expect(isAddressBlocked(ip)).toBeNull();
  });

  it.each([
    "http://[64:ff9b::127.0.0.1]/hook",
    "http://[64:ff9b:1::a00:1]/hook",
    "http://[2002:7f00:1::]/hook",
    "http://[2001:0:808:808::80ff:fffe]/hook",
    "http://[::ffff:0:7f00:1]/hook",
  ])("refuses %s in the form", (url) => {
    const result = validateWebhookUrl(url);
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.message).toMatch(/NAT64|6to4|Teredo|IPv4-translated/);
  });
});

describe("parseAllowlist", () => {
  it("reads hostnames, suffixes, IPs and CIDRs", () => {
    const entries = parseAllowlist(" n8n.lan , *.Shop.Internal,10.0.0.0/8, 127.0.0.1,[::1], fd00::/8 ,");
    expect(
      entries.map((e) =>
        e.kind === "cidr" ? `cidr:${e.raw}` : e.kind === "host" ? e.host : `*.${e.suffix}`,
      ),
    ).toEqual([
      "n8n.lan",
      "*.shop.internal",
      "cidr:10.0.0.0/8",
      "cidr:127.0.0.1",
      "cidr:[::1]",
      "cidr:fd00::/8",
    ]);
  });

  it("is empty when unset", () => {
    expect(parseAllowlist(undefined)).toEqual([]);
    expect(parseAllowlist("")).toEqual([]);
  });

  it.each(["http://n8n.lan", "10.0.0.0/33", "n8n lan", "*", "n8n.lan:5678"])(
    "fails loudly on %s, naming the variable",
    (raw) => {
      expect(() => parseAllowlist(raw)).toThrow(/WEBHOOK_ALLOWED_HOSTS/);
    },
  );
});

describe("checkAddress", () => {
  const allowlist = parseAllowlist("n8n.lan,*.shop.internal,10.1.0.0/16,127.0.0.1");

  it("admits an allowlisted hostname whatever it resolves to", () => {
    expect(checkAddress("n8n.lan", "192.168.1.5", allowlist)).toBeNull();
    expect(checkAddress("N8N.LAN.", "192.168.1.5", allowlist)).toBeNull();
  });

  it("admits subdomains of a suffix but not the bare or look-alike name", () => {
    expect(checkAddress("flows.shop.internal", "10.9.9.9", allowlist)).toBeNull();
    expect(checkAddress("shop.internal", "10.9.9.9", allowlist)).toBe("10.9.9.9 is a private address");
    expect(checkAddress("evilshop.internal", "10.9.9.9", allowlist)).toBe("10.9.9.9 is a private address");
  });

  it("admits addresses inside an allowlisted range, IPv4-mapped ones too", () => {
    expect(checkAddress("whatever.example", "10.1.2.3", allowlist)).toBeNull();
    expect(checkAddress("whatever.example", "10.2.0.1", allowlist)).toBe("10.2.0.1 is a private address");
    expect(checkAddress("::ffff:127.0.0.1", "::ffff:127.0.0.1", allowlist)).toBeNull();
  });
});

describe("what an allowlist can never open", () => {
  const allowlist = parseAllowlist("hooks.lan,*.shop.internal,0.0.0.0/0,::/0,127.0.0.1");

  it("keeps loopback and private addresses reachable for an allowlisted host", () => {
    expect(checkAddress("hooks.lan", "127.0.0.1", allowlist)).toBeNull();
    expect(checkAddress("hooks.lan", "192.168.1.5", allowlist)).toBeNull();
    expect(checkAddress("flows.shop.internal", "10.9.9.9", allowlist)).toBeNull();
  });

  it.each([
    ["169.254.169.254", "169.254.169.254 is a cloud metadata address"],
    ["169.254.10.1", "169.254.10.1 is a link-local address"],
    ["100.100.100.200", "100.100.100.200 is a cloud metadata address"],
    ["fe80::1", "fe80::1 is a link-local address"],
    ["fd00:ec2::254", "fd00:ec2::254 is a cloud metadata address"],
    ["::ffff:169.254.169.254", "::ffff:169.254.169.254 is a cloud metadata address"],
    [
      "64:ff9b::a9fe:a9fe",
      "64:ff9b::a9fe:a9fe is a NAT64 address for 169.254.169.254, a cloud metadata address",
    ],
    ["2002:a9fe:1::", "2002:a9fe:1:: is a 6to4 address for 169.254.0.1, a link-local address"],
    ["64:ff9b:1::a9fe:a9fe", "64:ff9b:1::a9fe:a9fe is a local-use NAT64 address"],
  ])("refuses %s for an allowlisted host, name or range", (address, reason) => {
    expect(checkAddress("hooks.lan", address, allowlist)).toBe(reason);
    expect(checkAddress("flows.shop.internal", address, allowlist)).toBe(reason);
    expect(checkAddress(address, address, allowlist)).toBe(reason);
  });

  it("refuses a metadata URL in the form even with a catch-all allowlist", () => {
    const result = validateWebhookUrl("http://169.254.169.254/latest/meta-data", { allowlist });
    expect(result.ok).toBe(false);
  });
});

describe("validateWebhookUrl", () => {
  it("accepts http and https URLs with a public or DNS host", () => {
    expect(validateWebhookUrl("https://n8n.example.com/webhook/abc").ok).toBe(true);
    expect(validateWebhookUrl("http://8.8.8.8:5678/webhook/abc").ok).toBe(true);
  });

  it.each([
    ["not a url", /full URL/],
    ["ftp://n8n.example.com/x", /http:\/\/ or https:\/\//],
    ["https://user:pass@n8n.example.com/x", /credentials/],
    ["http://127.0.0.1:5678/webhook/x", /127\.0\.0\.1 is a loopback address.*WEBHOOK_ALLOWED_HOSTS/],
    ["http://[::1]/x", /::1 is a loopback address/],
    ["http://2130706433/x", /127\.0\.0\.1 is a loopback address/],
    ["http://169.254.169.254/latest/meta-data", /cloud metadata/],
    ["http://[::ffff:10.0.0.1]/x", /private address/],
    ["http://localhost:5678/x", /localhost is a loopback address/],
  ])("reports %s", (url, message) => {
    const result = validateWebhookUrl(url);
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.message).toMatch(message);
  });

  it("accepts an internal address the allowlist admits", () => {
    const allowlist = parseAllowlist("127.0.0.1,localhost");
    expect(validateWebhookUrl("http://127.0.0.1:5678/webhook/x", { allowlist }).ok).toBe(true);
    expect(validateWebhookUrl("http://localhost:5678/webhook/x", { allowlist }).ok).toBe(true);
  });
});

describe("guarded dispatcher", () => {
  let receiver: TestReceiver;
  const agents: { close(): Promise<void> }[] = [];
  const dispatcher = (allowlist = "") => {
    const agent = createGuardedDispatcher({ allowlist: parseAllowlist(allowlist), connectTimeoutMs: 2_000 });
    agents.push(agent);
    return agent;
  };
  const post = (url: string, allowlist = "") =>
    deliverWebhook({ url, body: "{}", headers: {}, timeoutMs: 5_000, dispatcher: dispatcher(allowlist) });

  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterEach(() => receiver.clear());
  afterAll(async () => {
    await Promise.all(agents.map((agent) => agent.close()));
    await receiver.close();
  });

  it("refuses a name that resolves to loopback before any connection is made", async () => {
    const result = await post(`http://localhost:${receiver.port}/hook`);
    expect(result).toMatchObject({ ok: false, status: null, errorKind: "ssrf" });
    expect(result.errorMessage).toMatch(/localhost \((127\.0\.0\.1|::1)\): .* is a loopback address/);
    expect(receiver.connectionCount).toBe(0);
    expect(receiver.requests).toHaveLength(0);
  });

  it("refuses a literal loopback IP, which never goes through DNS", async () => {
    const result = await post(`${receiver.url}/hook`);
    expect(result.errorKind).toBe("ssrf");
    expect(result.errorMessage).toBe("Refused to connect to 127.0.0.1: 127.0.0.1 is a loopback address");
    expect(receiver.connectionCount).toBe(0);
  });

  it.each([
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://169.254.169.254/latest/meta-data",
    "http://10.0.0.1/",
  ])("refuses %s", async (url) => {
    expect((await post(url)).errorKind).toBe("ssrf");
  });

  it("raises an error with code SSRF_BLOCKED and a reason for plain fetch too", async () => {
    const error = await fetch(`http://localhost:${receiver.port}/`, { dispatcher: dispatcher() }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    const cause = (error as Error).cause as { code?: string; reason?: string };
    expect(cause.code).toBe(SSRF_BLOCKED);
    expect(cause.reason).toMatch(/is a loopback address$/);
    expect(receiver.connectionCount).toBe(0);
  });

  it("lets an allowlisted hostname through to the receiver", async () => {
    const result = await post(`http://localhost:${receiver.port}/hook`, "localhost");
    expect(result).toMatchObject({ ok: true, status: 200, errorKind: null });
    expect(receiver.requests.map((r) => r.path)).toEqual(["/hook"]);
  });

  it("lets an allowlisted address through to the receiver", async () => {
    const result = await post(`${receiver.url}/by-ip`, "127.0.0.1");
    expect(result.ok).toBe(true);
    expect(receiver.requests.map((r) => r.path)).toEqual(["/by-ip"]);
  });

  it("lets a name through when every address it resolves to is in an allowlisted range", async () => {
    const result = await post(`http://localhost:${receiver.port}/by-range`, "127.0.0.0/8,::1");
    expect(result.ok).toBe(true);
    expect(receiver.requests.map((r) => r.path)).toEqual(["/by-range"]);
  });
});
