import { describe, expect, it } from "vitest";
import { isPublicPath, safeNextPath, signInPathFor } from "@/server/auth/paths";
import { hasRole, isRole } from "@/server/auth/roles";

describe("role ordering", () => {
  it("ranks technician < manager < admin", () => {
    expect(hasRole({ role: "technician" }, "technician")).toBe(true);
    expect(hasRole({ role: "technician" }, "manager")).toBe(false);
    expect(hasRole({ role: "technician" }, "admin")).toBe(false);
    expect(hasRole({ role: "manager" }, "technician")).toBe(true);
    expect(hasRole({ role: "manager" }, "manager")).toBe(true);
    expect(hasRole({ role: "manager" }, "admin")).toBe(false);
    expect(hasRole({ role: "admin" }, "technician")).toBe(true);
    expect(hasRole({ role: "admin" }, "manager")).toBe(true);
    expect(hasRole({ role: "admin" }, "admin")).toBe(true);
  });

  it("gives no role to a missing user or an unknown role", () => {
    expect(hasRole(null, "technician")).toBe(false);
    expect(hasRole(undefined, "technician")).toBe(false);
    // biome-ignore lint/suspicious/noExplicitAny: a row with a role we do not know
    expect(hasRole({ role: "superuser" as any }, "technician")).toBe(false);
    expect(isRole("user")).toBe(false);
    expect(isRole("manager")).toBe(true);
  });
});

describe("safe next path after sign-in", () => {
  it("keeps same-origin relative paths with their query and hash", () => {
    expect(safeNextPath("/work-items")).toBe("/work-items");
    expect(safeNextPath("/work-items?status=new&page=2")).toBe("/work-items?status=new&page=2");
    expect(safeNextPath("/work-items/12#tasks")).toBe("/work-items/12#tasks");
  });

  it.each([
    ["absolute URL", "https://evil.test/phish"],
    ["protocol-relative", "//evil.test"],
    ["backslash trick", "/\\evil.test"],
    ["backslash inside", "/foo\\..\\\\evil.test"],
    ["javascript URL", "javascript:alert(1)"],
    ["relative without slash", "work-items"],
    ["tab in the host", "/\t/evil.test"],
    ["newline", "/work-items\n//evil.test"],
    ["empty", ""],
    ["not a string", 42],
    ["an array", ["/a", "/b"]],
    ["the sign-in page itself", "/sign-in?next=/x"],
    ["too long", `/${"a".repeat(3000)}`],
  ])("falls back to / for %s", (_label, value) => {
    expect(safeNextPath(value)).toBe("/");
  });

  it.each([
    ["a dot segment before the double slash", "/.//evil.com"],
    ["a parent segment before the double slash", "/a/..//evil.com"],
    ["an encoded dot segment", "/%2e//evil.com"],
    ["an encoded parent segment", "/x/%2e%2e//evil.com"],
    ["a backslash after a dot segment", "/./\\evil.com"],
    ["a backslash", "/\\evil.com"],
    ["encoded slashes", "/%2F%2Fevil.com"],
    ["an encoded slash after a parent segment", "/a/%2e%2e/%2fevil.com"],
    ["an encoded backslash", "/%5Cevil.com"],
    ["an encoded backslash after a dot segment", "/./%5Cevil.com"],
    ["a tab between the slashes", "/\t/evil.com"],
    ["a newline between the slashes", "/\n/evil.com"],
    ["an encoded tab between the slashes", "/%09/evil.com"],
    ["an encoded newline", "/%0a/evil.com"],
    ["an encoded path to the sign-in page", "/sign%2Din"],
    ["a broken percent escape", "/%E0%A4%A"],
  ])("never returns a path that leaves the origin once normalised: %s", (_label, value) => {
    const next = safeNextPath(value);
    expect(next).toBe("/");
    // What the redirect and window.location.assign do with it: stay on our origin.
    expect(new URL(next, "https://shop.example").origin).toBe("https://shop.example");
  });

  it("keeps encoded characters that stay inside a path", () => {
    expect(safeNextPath("/work-items?q=a%2Fb")).toBe("/work-items?q=a%2Fb");
    expect(safeNextPath("/work-items/%2e%2e/syncs")).toBe("/syncs");
  });

  it("normalises dot segments without leaving the origin", () => {
    expect(safeNextPath("/a/../../admin/users")).toBe("/admin/users");
  });

  it("builds the sign-in URL with an encoded next, and none for home or unsafe paths", () => {
    expect(signInPathFor("/work-items?status=new")).toBe("/sign-in?next=%2Fwork-items%3Fstatus%3Dnew");
    expect(signInPathFor("/")).toBe("/sign-in");
    expect(signInPathFor("//evil.test")).toBe("/sign-in");
    expect(signInPathFor(null)).toBe("/sign-in");
  });

  it("treats only sign-in, api and Next assets as public", () => {
    expect(isPublicPath("/sign-in")).toBe(true);
    // A too-low role gets a 403 at the page's own address now; there is no public /forbidden page.
    expect(isPublicPath("/forbidden")).toBe(false);
    expect(isPublicPath("/api/auth/sign-in/email")).toBe(true);
    expect(isPublicPath("/")).toBe(false);
    expect(isPublicPath("/work-items")).toBe(false);
    expect(isPublicPath("/sign-inx")).toBe(false);
    expect(isPublicPath("/admin/users")).toBe(false);
  });
});
