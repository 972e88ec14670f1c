import { describe, expect, it } from "vitest";
import { responseSummary, restatesStatus } from "@/components/syncs/format";

describe("responseSummary", () => {
  it("names a status once when the error is its status line", () => {
    expect(responseSummary(404, "HTTP 404 Not Found")).toBe("HTTP 404 Not Found");
    expect(responseSummary(302, "HTTP 302 Found to https://x.test/ (redirects are not followed)")).toBe(
      "HTTP 302 Found to https://x.test/ (redirects are not followed)",
    );
  });

  it("adds an error that says something else, and says when nothing answered", () => {
    expect(responseSummary(500, "upstream said no")).toBe("HTTP 500 — upstream said no");
    expect(responseSummary(204, null)).toBe("HTTP 204");
    expect(responseSummary(null, "connect ECONNREFUSED")).toBe("No response — connect ECONNREFUSED");
    expect(responseSummary(null, null)).toBe("No response");
  });
});

describe("restatesStatus", () => {
  it("is true only for the bare status line of the same code", () => {
    expect(restatesStatus(404, "HTTP 404 Not Found")).toBe(true);
    expect(restatesStatus(418, "HTTP 418 I'm a Teapot")).toBe(true);
    expect(restatesStatus(404, "HTTP 404")).toBe(true);
    expect(restatesStatus(500, "HTTP 404 Not Found")).toBe(false);
    expect(restatesStatus(302, "HTTP 302 Found to https://x.test/ (redirects are not followed)")).toBe(false);
    expect(restatesStatus(null, "HTTP 404 Not Found")).toBe(false);
    expect(restatesStatus(404, null)).toBe(false);
  });
});
