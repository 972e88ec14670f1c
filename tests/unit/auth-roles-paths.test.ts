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

  it("normalises dot segments without leaving the origin", () => {
    expect(safeNextPath("/a/../../admin/users")).toBe("/admin/users");
  });

  it("builds the sign-in URL with an encoded next, and none for home or unsafe paths", () => {
    expect(signInPathFor("/work-items?status=new")).toBe("/sign-in?next=%2Fwork-items%3Fstatus%3Dnew");
    expect(signInPathFor("/")).toBe("/sign-in");
    expect(signInPathFor("//evil.test")).toBe("/sign-in");
    expect(signInPathFor(null)).toBe("/sign-in");
  });

  it("treats only sign-in, forbidden, api and Next assets as public", () => {
    expect(isPublicPath("/sign-in")).toBe(true);
    expect(isPublicPath("/forbidden")).toBe(true);
    expect(isPublicPath("/api/auth/sign-in/email")).toBe(true);
    expect(isPublicPath("/")).toBe(false);
    expect(isPublicPath("/work-items")).toBe(false);
    expect(isPublicPath("/sign-inx")).toBe(false);
    expect(isPublicPath("/admin/users")).toBe(false);
  });
});
