import { NextRequest } from "next/server";
import { afterEach, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import nextConfig from "../../next.config";
import { proxy } from "../../proxy";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  resetEnvCache();
});

function withEnv(vars: Record<string, string | undefined>) {
  process.env = { ...saved, ...vars };
  resetEnvCache();
}

describe("security headers", () => {
  it("every path gets a CSP that forbids framing, nosniff, a Referrer-Policy and no X-Powered-By", async () => {
    const rules = (await nextConfig.headers?.()) ?? [];
    const all = rules.find((r) => r.source === "/:path*");
    const headers = Object.fromEntries((all?.headers ?? []).map((h) => [h.key.toLowerCase(), h.value]));
    expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(headers["content-security-policy"]).toContain("default-src 'self'");
    expect(headers["content-security-policy"]).toContain("object-src 'none'");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(nextConfig.poweredByHeader).toBe(false);
  });

  it.each([
    ["https://fixed.example", undefined, true],
    [undefined, "https://fixed.example", true],
    ["http://localhost:3000", undefined, false],
    [undefined, undefined, false],
  ])(
    "HSTS on pages and sign-in redirects when the public URL is https (BETTER_AUTH_URL=%s, APP_URL=%s)",
    (authUrl, appUrl, hsts) => {
      withEnv({ BETTER_AUTH_URL: authUrl, APP_URL: appUrl });
      for (const path of ["/sign-in", "/work-items"]) {
        const response = proxy(new NextRequest(`http://app.test${path}`));
        const header = response.headers.get("strict-transport-security");
        if (hsts) expect(header, path).toBe("max-age=63072000; includeSubDomains");
        else expect(header, path).toBeNull();
      }
    },
  );
});
