import { notFound, redirect } from "next/navigation";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import {
  actorOf,
  defineAction,
  formAction,
  requireUser,
  type SessionUser,
  sessionToUser,
  setUserResolverForTests,
} from "@/server/auth/guard";
import { asUser, testUser } from "../support/auth";

const currentPath = vi.hoisted(() => ({ value: "/work-items?status=new" as string | null }));
vi.mock("next/headers", () => ({
  headers: async () => new Headers(currentPath.value ? { "x-fixed-service-path": currentPath.value } : {}),
}));

afterEach(() => setUserResolverForTests(null));

/** The target of a Next redirect error (its digest is `NEXT_REDIRECT;type;url;status;`). */
async function redirectTarget(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const digest = (error as { digest?: string }).digest ?? "";
    if (digest.startsWith("NEXT_REDIRECT")) return digest.split(";")[2];
    throw error;
  }
  throw new Error("expected a redirect");
}

describe("sessionToUser", () => {
  const base = { id: "u1", name: "Tess", email: "tess@fixed.test", role: "technician" };

  it("maps a better-auth session to our user", () => {
    expect(sessionToUser({ user: base })).toEqual({
      id: "u1",
      name: "Tess",
      email: "tess@fixed.test",
      role: "technician",
    });
    expect(sessionToUser(null)).toBeNull();
  });

  it("treats a deactivated (banned) user as signed out until the ban expires", () => {
    const now = new Date("2030-01-01T00:00:00Z");
    expect(sessionToUser({ user: { ...base, banned: true } }, now)).toBeNull();
    expect(
      sessionToUser({ user: { ...base, banned: true, banExpires: new Date("2030-02-01") } }, now),
    ).toBeNull();
    expect(
      sessionToUser({ user: { ...base, banned: true, banExpires: new Date("2029-12-01") } }, now),
    ).not.toBeNull();
    expect(sessionToUser({ user: { ...base, banned: false } }, now)).not.toBeNull();
  });

  it("gives an unknown role the lowest one", () => {
    expect(sessionToUser({ user: { ...base, role: "user" } })?.role).toBe("technician");
    expect(sessionToUser({ user: { ...base, role: null } })?.role).toBe("technician");
  });
});

describe("requireUser", () => {
  it("sends a signed-out visitor to sign-in with the current path as next", async () => {
    setUserResolverForTests(async () => null);
    expect(await redirectTarget(requireUser())).toBe("/sign-in?next=%2Fwork-items%3Fstatus%3Dnew");
  });

  it("falls back to plain /sign-in when the path is unknown", async () => {
    currentPath.value = null;
    setUserResolverForTests(async () => null);
    expect(await redirectTarget(requireUser())).toBe("/sign-in");
    currentPath.value = "/work-items?status=new";
  });

  it("answers a too-low role with forbidden() (a 403 in place) and lets a high enough one through", async () => {
    setUserResolverForTests(async () => testUser("technician"));
    await expect(requireUser("admin")).rejects.toMatchObject({ digest: "NEXT_HTTP_ERROR_FALLBACK;403" });
    setUserResolverForTests(async () => testUser("manager"));
    await expect(requireUser("admin")).rejects.toMatchObject({ digest: "NEXT_HTTP_ERROR_FALLBACK;403" });
    setUserResolverForTests(async () => testUser("admin"));
    await expect(requireUser("manager")).resolves.toMatchObject({ role: "admin" });
    await expect(requireUser()).resolves.toMatchObject({ role: "admin" });
  });
});

describe("defineAction", () => {
  const schema = z.object({
    title: z.string().trim().min(1, "Enter a title."),
    tags: z.array(z.string()).optional(),
  });

  function spyAction(role: "technician" | "manager" | "admin" = "manager") {
    const writes: Array<{ input: unknown; user: SessionUser }> = [];
    const action = defineAction({ role, schema }, async (input, user) => {
      writes.push({ input, user });
      return { ok: true, data: { title: input.title }, message: "Saved." };
    });
    return { action, writes };
  }

  it("runs the handler with parsed input and the user when the role is enough", async () => {
    const { action, writes } = spyAction("manager");
    const form = new FormData();
    form.append("title", "  Screen  ");
    form.append("tags", "a");
    form.append("tags", "b");
    const result = await asUser("admin", () => action(form));
    expect(result).toEqual({ ok: true, data: { title: "Screen" }, message: "Saved." });
    expect(writes).toEqual([{ input: { title: "Screen", tags: ["a", "b"] }, user: testUser("admin") }]);
  });

  it("accepts a plain object as input", async () => {
    const { action } = spyAction("technician");
    expect(await asUser("technician", () => action({ title: "Hinge" }))).toMatchObject({ ok: true });
  });

  it("refuses a signed-out caller and writes nothing", async () => {
    const { action, writes } = spyAction();
    expect(await asUser(null, () => action({ title: "x" }))).toEqual({
      ok: false,
      message: "You are signed out. Sign in again.",
    });
    expect(writes).toHaveLength(0);
  });

  it("refuses a too-low role by name, before looking at the input, and writes nothing", async () => {
    const { action, writes } = spyAction("manager");
    expect(await asUser("technician", () => action({ title: "x" }))).toEqual({
      ok: false,
      message: "Your role (technician) may not do this.",
    });
    expect(await asUser("technician", () => action({}))).toEqual({
      ok: false,
      message: "Your role (technician) may not do this.",
    });
    expect(writes).toHaveLength(0);
  });

  it("answers bad input with field errors and the typed values, never throwing", async () => {
    const { action, writes } = spyAction();
    const form = new FormData();
    form.append("title", "   ");
    form.append("password", "do-not-echo");
    const result = await asUser("manager", () => action(form));
    expect(result).toEqual({
      ok: false,
      message: "Please fix the highlighted fields.",
      fieldErrors: { title: ["Enter a title."] },
      values: { title: "   " },
    });
    expect(writes).toHaveLength(0);
  });

  it("works as a useActionState action (previous state, form data)", async () => {
    const { action } = spyAction();
    const form = new FormData();
    form.append("title", "Battery");
    expect(await asUser("manager", () => action(null, form))).toMatchObject({
      ok: true,
      data: { title: "Battery" },
    });
    const adapted = formAction((input: FormData) => action(input));
    expect(await asUser("manager", () => adapted({ ok: false, message: "before" }, form))).toMatchObject({
      ok: true,
    });
  });

  it("lets redirect() and notFound() from the handler through", async () => {
    const redirecting = defineAction({ role: "technician", schema }, async () => redirect("/work-items/1"));
    const missing = defineAction({ role: "technician", schema }, async () => notFound());
    expect(await redirectTarget(asUser("technician", () => redirecting({ title: "x" })))).toBe(
      "/work-items/1",
    );
    await expect(asUser("technician", () => missing({ title: "x" }))).rejects.toMatchObject({
      digest: expect.stringContaining("NEXT_HTTP_ERROR_FALLBACK;404"),
    });
  });

  it("turns an unexpected handler error into a generic message", async () => {
    const failing = defineAction({ role: "technician", schema, name: "test.fail" }, async () => {
      throw new Error("database on fire");
    });
    const result = await asUser("technician", () => failing({ title: "x" }));
    expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/went wrong on our side/) });
  });
});

describe("actorOf", () => {
  it("keeps only id and name for change events", () => {
    expect(actorOf(testUser("manager"))).toEqual({ id: "test-manager", name: "Test Manager" });
  });
});
