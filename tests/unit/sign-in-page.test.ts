import { describe, expect, it } from "vitest";
import SignInPage from "@/app/sign-in/page";
import { asUser } from "@/tests/support/auth";

/** Where the sign-in page sends a user who is already signed in, for the given `next`. */
async function redirectTarget(next: string): Promise<string> {
  const error = await asUser("technician", () =>
    SignInPage({ searchParams: Promise.resolve({ next }) }),
  ).then(
    () => null,
    (e: unknown) => e,
  );
  // Next's redirect() throws an error whose digest is `NEXT_REDIRECT;<type>;<url>;<status>;`.
  const digest = (error as { digest?: unknown } | null)?.digest;
  if (typeof digest !== "string" || !digest.startsWith("NEXT_REDIRECT;")) {
    throw new Error(`expected a redirect for ${next}`);
  }
  return digest.split(";").slice(2, -2).join(";");
}

describe("the sign-in page for a signed-in user", () => {
  it("redirects to a same-origin next", async () => {
    expect(await redirectTarget("/work-items?status=new")).toBe("/work-items?status=new");
  });

  it.each([
    "/.//evil.com",
    "/a/..//evil.com",
    "/%2e//evil.com",
    "/\\evil.com",
    "/%2F%2Fevil.com",
    "/\t/evil.com",
  ])("never redirects off the origin for %s", async (next) => {
    const target = await redirectTarget(next);
    expect(target).toBe("/");
    expect(new URL(target, "https://shop.example").origin).toBe("https://shop.example");
  });
});
