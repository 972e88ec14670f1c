import { ROLE_LABELS } from "@/components/auth/labels";
import { type Role, type SessionUser, setUserResolverForTests } from "@/server/auth/guard";

/** A made-up user with the given role (not in the database; pass a real SessionUser when rows refer to it). */
export function testUser(role: Role): SessionUser {
  return { id: `test-${role}`, name: `Test ${ROLE_LABELS[role]}`, email: `${role}@test.invalid`, role };
}

/**
 * Runs `fn` with getCurrentUser() (and so requireUser() and every defineAction()) seeing the given
 * user: a role (→ testUser(role)), a SessionUser (e.g. one returned by seedDemoUsers), or null for
 * signed out. Afterwards the session cookie is back in charge, even when `fn` throws (no nesting).
 *
 *   const result = await asUser("technician", () => createUserAction(form));
 *   expect(result).toEqual({ ok: false, message: "Your role (technician) may not do this." });
 */
export async function asUser<T>(who: Role | SessionUser | null, fn: () => Promise<T> | T): Promise<T> {
  const user = who === null ? null : typeof who === "string" ? testUser(who) : who;
  setUserResolverForTests(async () => user);
  try {
    return await fn();
  } finally {
    setUserResolverForTests(null);
  }
}
