import { verifyPassword } from "better-auth/crypto";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  changeRoleAction,
  createUserAction,
  deactivateUserAction,
  reactivateUserAction,
  resetPasswordAction,
} from "@/app/(app)/admin/users/actions";
import { setDbHandle } from "@/db/client";
import { accounts, rateLimits, sessions, users } from "@/db/schema";
import { createOrUpdateAdmin } from "@/server/auth/first-admin";
import { type ActionResult, type SessionUser, sessionToUser } from "@/server/auth/guard";
import { DEMO_PASSWORD, type SeededUser, seedDemoUsers } from "@/server/auth/seed-users";
import { type Auth, createAuth } from "@/server/auth/server";
import { lookUpSession } from "@/server/auth/session-lookup";
import { countSessions, deactivateUser, getUserById, setUserRole } from "@/server/auth/users";
import { asUser } from "../support/auth";
import { createTestDb, DRIVERS, type TestDb } from "../support/db";

// revalidatePath needs a Next request; here it has nothing to revalidate.
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

const BASE_URL = "http://localhost:3000";
const RATE_LIMIT = 3;

function form(fields: Record<string, string>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  return f;
}

const asSession = (u: SeededUser): SessionUser => ({ id: u.id, name: u.name, email: u.email, role: u.role });

describe.each(DRIVERS)("sign-in and roles on %s", (driver) => {
  let t: TestDb;
  let auth: Auth;
  let demo: Record<"tech" | "theo" | "manager" | "admin", SeededUser>;
  let seededRows: { users: (typeof users.$inferSelect)[]; accounts: (typeof accounts.$inferSelect)[] };

  beforeAll(async () => {
    t = await createTestDb(driver);
    setDbHandle(t);
    auth = createAuth(t.db, { secret: "s".repeat(32), baseURL: BASE_URL, signInRateLimit: RATE_LIMIT });
    // Hashing four passwords per test is slow (scrypt): seed once, then copy the rows back after each reset.
    await t.reset();
    const [tech, theo, manager, admin] = await seedDemoUsers(t.db);
    demo = { tech, theo, manager, admin };
    seededRows = { users: await t.db.select().from(users), accounts: await t.db.select().from(accounts) };
  });
  afterAll(async () => {
    setDbHandle(undefined);
    await t?.close();
  });
  beforeEach(async () => {
    await t.reset();
    await t.db.insert(users).values(seededRows.users);
    await t.db.insert(accounts).values(seededRows.accounts);
  });

  /** A sign-in through better-auth's HTTP handler: the path a browser takes, rate limiter included. */
  function httpSignIn(email: string, password: string, ip = "203.0.113.7") {
    return auth.handler(
      new Request(`${BASE_URL}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: BASE_URL, "x-forwarded-for": ip },
        body: JSON.stringify({ email, password }),
      }),
    );
  }

  async function sessionCookie(email: string, password: string): Promise<string> {
    const response = await httpSignIn(email, password, "198.51.100.1");
    expect(response.status).toBe(200);
    const cookie = response.headers.get("set-cookie") ?? "";
    const pair = cookie.split(";")[0];
    expect(pair).toMatch(/^better-auth\.session_token=/);
    return pair;
  }

  async function snapshot() {
    return {
      users: await t.db.select().from(users).orderBy(asc(users.id)),
      accounts: await t.db.select().from(accounts).orderBy(asc(accounts.id)),
      sessions: await t.db.select().from(sessions).orderBy(asc(sessions.id)),
    };
  }

  describe("signing in", () => {
    it("seeds the four demo users once, with their roles", async () => {
      const again = await seedDemoUsers(t.db);
      expect(again.map((u) => u.id)).toEqual([demo.tech.id, demo.theo.id, demo.manager.id, demo.admin.id]);
      expect(again.map((u) => [u.email, u.role])).toEqual([
        ["tech@fixed.test", "technician"],
        ["theo@fixed.test", "technician"],
        ["manager@fixed.test", "manager"],
        ["admin@fixed.test", "admin"],
      ]);
      expect(await t.db.select().from(users)).toHaveLength(4);
    });

    it("accepts the right password and refuses a wrong one", async () => {
      const ok = await auth.api.signInEmail({ body: { email: "tech@fixed.test", password: DEMO_PASSWORD } });
      expect(ok.user).toMatchObject({ id: demo.tech.id, email: "tech@fixed.test" });
      expect(await countSessions(t.db, demo.tech.id)).toBe(1);

      await expect(
        auth.api.signInEmail({ body: { email: "tech@fixed.test", password: "wrong-password" } }),
      ).rejects.toMatchObject({ statusCode: 401, body: { code: "INVALID_EMAIL_OR_PASSWORD" } });
      await expect(
        auth.api.signInEmail({ body: { email: "nobody@fixed.test", password: DEMO_PASSWORD } }),
      ).rejects.toMatchObject({ statusCode: 401 });
      expect(await countSessions(t.db, demo.tech.id)).toBe(1);
    });

    it("matches the e-mail regardless of case", async () => {
      const ok = await auth.api.signInEmail({ body: { email: "Tech@Fixed.TEST", password: DEMO_PASSWORD } });
      expect(ok.user.id).toBe(demo.tech.id);
    });

    it("stores passwords hashed, never in plain text", async () => {
      const rows = await t.db.select().from(accounts);
      expect(rows).toHaveLength(4);
      for (const row of rows) {
        expect(row.providerId).toBe("credential");
        expect(row.password).not.toContain(DEMO_PASSWORD);
        expect(row.password).toMatch(/^[0-9a-f]+:[0-9a-f]+$/);
        expect(await verifyPassword({ hash: row.password!, password: DEMO_PASSWORD })).toBe(true);
      }
      expect(new Set(rows.map((r) => r.password)).size).toBe(4); // salted
    });

    it("the one-query session lookup agrees with better-auth, and leaves every unusual case to it", async () => {
      const otherSecret = { options: { ...auth.options, secret: "t".repeat(32) } };
      const cookie = await sessionCookie("manager@fixed.test", DEMO_PASSWORD);
      const plain = await lookUpSession(t.db, cookie, auth);
      const full = await auth.api.getSession({ headers: new Headers({ cookie }) });
      expect(sessionToUser(plain ?? null)).toEqual(sessionToUser(full));
      expect(sessionToUser(plain ?? null)).toMatchObject({ id: demo.manager.id, role: "manager" });

      // A forged or re-signed cookie, another secret, no cookie: nothing here; better-auth refuses them too.
      const [name, value] = cookie.split("=");
      const token = decodeURIComponent(value).split(".")[0];
      expect(
        await lookUpSession(t.db, `${name}=${encodeURIComponent(`${token}.${"A".repeat(43)}=`)}`, auth),
      ).toBeUndefined();
      expect(await lookUpSession(t.db, `${name}=${token}`, auth)).toBeUndefined();
      expect(await lookUpSession(t.db, cookie, otherSecret)).toBeUndefined();
      expect(await lookUpSession(t.db, null, auth)).toBeUndefined();
      // "Don't remember me" and a session due for its sliding refresh go to better-auth.
      expect(await lookUpSession(t.db, `${cookie}; better-auth.dont_remember=x.y`, auth)).toBeUndefined();
      await t.db.update(sessions).set({ expiresAt: new Date(Date.now() + 5 * 86_400_000) });
      expect(await lookUpSession(t.db, cookie, auth)).toBeUndefined();
      await t.db.update(sessions).set({ expiresAt: new Date(Date.now() + 7 * 86_400_000) });
      expect(await lookUpSession(t.db, cookie, auth)).toBeDefined();

      // Role changes and deactivation count on the very next request (nothing is cached).
      await setUserRole(t.db, demo.manager.id, "technician");
      expect(sessionToUser((await lookUpSession(t.db, cookie, auth)) ?? null)?.role).toBe("technician");
      await deactivateUser(t.db, demo.manager.id);
      expect(sessionToUser((await lookUpSession(t.db, cookie, auth)) ?? null)).toBeNull();
      // An expired or deleted session is not this lookup's to answer.
      await t.db.delete(sessions);
      expect(await lookUpSession(t.db, cookie, auth)).toBeUndefined();
    });

    it("gives the session cookie's user their role, and sign-out ends the session", async () => {
      const cookie = await sessionCookie("manager@fixed.test", DEMO_PASSWORD);
      const session = await auth.api.getSession({ headers: new Headers({ cookie }) });
      expect(session?.user).toMatchObject({ id: demo.manager.id, role: "manager" });

      await auth.api.signOut({ headers: new Headers({ cookie }) });
      expect(await auth.api.getSession({ headers: new Headers({ cookie }) })).toBeNull();
      expect(await countSessions(t.db, demo.manager.id)).toBe(0);
    });

    it(`locks one client out of one account after ${RATE_LIMIT} failed attempts`, async () => {
      for (let i = 0; i < RATE_LIMIT; i++) {
        expect((await httpSignIn("tech@fixed.test", "wrong-password")).status).toBe(401);
      }
      const limited = await httpSignIn("tech@fixed.test", DEMO_PASSWORD);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get("x-retry-after"))).toBeGreaterThan(0);
      expect(await countSessions(t.db, demo.tech.id)).toBe(0);

      // Counted in the database (shared by every app instance); the owner elsewhere is not locked out.
      expect((await t.db.select().from(rateLimits)).length).toBeGreaterThan(0);
      expect((await httpSignIn("tech@fixed.test", DEMO_PASSWORD, "192.0.2.44")).status).toBe(200);
    });

    it("does not let one client's failures on other accounts lock out a right password from the same client", async () => {
      for (let i = 0; i < RATE_LIMIT; i++) {
        expect((await httpSignIn("tech@fixed.test", "wrong-password")).status).toBe(401);
        expect((await httpSignIn("theo@fixed.test", "wrong-password")).status).toBe(401);
      }
      expect((await httpSignIn("admin@fixed.test", DEMO_PASSWORD)).status).toBe(200);
    });

    it("forgets a client's failures on an account once it signs in", async () => {
      for (let i = 0; i < RATE_LIMIT - 1; i++) {
        expect((await httpSignIn("tech@fixed.test", "wrong-password")).status).toBe(401);
      }
      expect((await httpSignIn("tech@fixed.test", DEMO_PASSWORD)).status).toBe(200);
      for (let i = 0; i < RATE_LIMIT; i++) {
        expect((await httpSignIn("tech@fixed.test", "wrong-password")).status).toBe(401);
      }
    });

    it("counts concurrent attempts before checking the password, so a burst gets no extra guesses", async () => {
      const statuses = await Promise.all(
        Array.from({ length: 8 }, () =>
          httpSignIn("tech@fixed.test", "wrong-password").then((r) => r.status),
        ),
      );
      expect(statuses.filter((s) => s === 401)).toHaveLength(RATE_LIMIT);
      expect(statuses.filter((s) => s === 429)).toHaveLength(8 - RATE_LIMIT);
    });

    it("caps guesses on one account from rotating X-Forwarded-For addresses, then takes one attempt per slot", async () => {
      const cap = RATE_LIMIT * 4;
      const statuses: number[] = [];
      for (let i = 0; i < cap + 3; i++) {
        statuses.push((await httpSignIn("admin@fixed.test", "wrong-password", `198.18.0.${i + 1}`)).status);
      }
      // cap failures, one more in the first slot, then refused until the slot passes.
      expect(statuses.slice(0, cap + 1)).toEqual(Array(cap + 1).fill(401));
      expect(statuses.slice(cap + 1)).toEqual([429, 429]);
      const owner = await httpSignIn("admin@fixed.test", DEMO_PASSWORD, "192.0.2.200");
      expect(owner.status).toBe(429);
      expect(Number(owner.headers.get("x-retry-after"))).toBeLessThanOrEqual(30);
      // Other accounts are untouched.
      expect((await httpSignIn("tech@fixed.test", DEMO_PASSWORD, "198.18.1.1")).status).toBe(200);
    });

    it("without trusted proxies believes only a single-valued X-Forwarded-For", async () => {
      // Two hops and no TRUSTED_PROXIES: the client is unknown, whatever the spoofed first hop says.
      for (let i = 0; i < RATE_LIMIT; i++) {
        expect(
          (await httpSignIn("tech@fixed.test", "wrong-password", `6.6.6.${i}, 203.0.113.9`)).status,
        ).toBe(401);
      }
      expect((await httpSignIn("tech@fixed.test", "wrong-password", "7.7.7.7, 203.0.113.9")).status).toBe(
        429,
      );
    });

    it("reads the client through TRUSTED_PROXIES: the nearest hop that is not a proxy", async () => {
      const proxied = createAuth(t.db, {
        secret: "s".repeat(32),
        baseURL: BASE_URL,
        signInRateLimit: RATE_LIMIT,
        trustedProxies: ["10.0.0.0/8"],
      });
      const signIn = (password: string, xff: string) =>
        proxied.handler(
          new Request(`${BASE_URL}/api/auth/sign-in/email`, {
            method: "POST",
            headers: { "content-type": "application/json", origin: BASE_URL, "x-forwarded-for": xff },
            body: JSON.stringify({ email: "tech@fixed.test", password }),
          }),
        );
      for (let i = 0; i < RATE_LIMIT; i++) {
        expect((await signIn("wrong-password", `6.6.6.${i}, 203.0.113.9, 10.0.0.2`)).status).toBe(401);
      }
      expect((await signIn(DEMO_PASSWORD, "8.8.8.8, 203.0.113.9, 10.1.2.3")).status).toBe(429);
      expect((await signIn(DEMO_PASSWORD, "6.6.6.0, 203.0.113.10, 10.0.0.2")).status).toBe(200);
    });

    it("has no public sign-up and no admin endpoints over HTTP", async () => {
      const post = (path: string, body: unknown) =>
        auth.handler(
          new Request(`${BASE_URL}/api/auth${path}`, {
            method: "POST",
            headers: { "content-type": "application/json", origin: BASE_URL },
            body: JSON.stringify(body),
          }),
        );
      const signUp = await post("/sign-up/email", {
        email: "new@fixed.test",
        password: "long-enough-1",
        name: "N",
      });
      expect(signUp.status).toBe(404);
      await expect(
        auth.api.signUpEmail({ body: { email: "new@fixed.test", password: "long-enough-1", name: "N" } }),
      ).rejects.toMatchObject({ statusCode: 400 });
      expect((await post("/admin/set-role", { userId: demo.tech.id, role: "admin" })).status).toBe(404);
      expect(await t.db.select().from(users)).toHaveLength(4);
      expect((await getUserById(t.db, demo.tech.id))?.role).toBe("technician");
    });
  });

  describe("sessions and profiles", () => {
    function post(path: string, body: unknown, cookie: string) {
      return auth.handler(
        new Request(`${BASE_URL}/api/auth${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", origin: BASE_URL, cookie },
          body: JSON.stringify(body),
        }),
      );
    }

    it.each([
      ["another user's name", { name: "Ada Admin" }],
      ["an empty name", { name: "" }],
      ["a 1 MB name", { name: "x".repeat(1024 * 1024) }],
    ])(
      "refuses a self-service rename to %s (the name is the actor on change events)",
      async (_label, body) => {
        const cookie = await sessionCookie("tech@fixed.test", DEMO_PASSWORD);
        const before = await snapshot();
        expect((await post("/update-user", body, cookie)).status).toBe(404);
        expect((await post("/change-email", { newEmail: "admin2@fixed.test" }, cookie)).status).toBe(404);
        expect((await post("/delete-user", {}, cookie)).status).toBe(404);
        expect(await snapshot()).toEqual(before);
        expect((await getUserById(t.db, demo.tech.id))?.name).toBe("Tess Technician");
      },
    );

    it("ends an admin's other sessions when they reset their own password, keeping the one they used", async () => {
      const here = await sessionCookie("admin@fixed.test", DEMO_PASSWORD);
      const elsewhere = await sessionCookie("admin@fixed.test", DEMO_PASSWORD);
      const current = await auth.api.getSession({ headers: new Headers({ cookie: here }) });
      expect(await countSessions(t.db, demo.admin.id)).toBe(2);

      const result = await asUser({ ...asSession(demo.admin), sessionId: current?.session.id }, () =>
        resetPasswordAction(form({ userId: demo.admin.id, password: "admins-new-pass" })),
      );
      expect(result).toMatchObject({
        ok: true,
        message: expect.stringMatching(/other sessions were signed out/),
      });
      expect(await countSessions(t.db, demo.admin.id)).toBe(1);
      expect(await auth.api.getSession({ headers: new Headers({ cookie: here }) })).not.toBeNull();
      expect(await auth.api.getSession({ headers: new Headers({ cookie: elsewhere }) })).toBeNull();
    });

    it("never slides a session past its absolute lifetime from sign-in", async () => {
      const cookie = await sessionCookie("tech@fixed.test", DEMO_PASSWORD);
      const day = 24 * 3_600_000;
      // Signed in 29 days ago and due for its daily refresh: the refresh may add a day, not a week.
      const createdAt = new Date(Date.now() - 29 * day);
      await t.db.update(sessions).set({ createdAt, expiresAt: new Date(Date.now() + 3_600_000) });
      expect(await auth.api.getSession({ headers: new Headers({ cookie }) })).not.toBeNull();
      const [row] = await t.db.select().from(sessions);
      expect(row.expiresAt.getTime()).toBe(createdAt.getTime() + 30 * day);

      // 31 days after sign-in, with an expiry some earlier refresh pushed ahead: signed out.
      await t.db.update(sessions).set({ createdAt: new Date(Date.now() - 31 * day) });
      const session = await auth.api.getSession({ headers: new Headers({ cookie }) });
      expect(sessionToUser(session)).toBeNull();
    });
  });

  describe("create-admin script", () => {
    it("creates an admin, refuses an existing e-mail, and with update restores access", async () => {
      const created = await createOrUpdateAdmin(t.db, {
        email: "Boss@Shop.test",
        name: "Boss",
        password: "boss-password-1",
        update: false,
      });
      expect(created.created).toBe(true);
      expect((await getUserById(t.db, created.id))?.role).toBe("admin");
      const signedIn = await auth.api.signInEmail({
        body: { email: "boss@shop.test", password: "boss-password-1" },
      });
      expect(signedIn.user.id).toBe(created.id);

      await expect(
        createOrUpdateAdmin(t.db, {
          email: "tech@fixed.test",
          name: "T",
          password: "x-password-1",
          update: false,
        }),
      ).rejects.toThrow(/already exists/);
      expect((await getUserById(t.db, demo.tech.id))?.role).toBe("technician");

      await deactivateUser(t.db, demo.tech.id);
      const updated = await createOrUpdateAdmin(t.db, {
        email: "tech@fixed.test",
        name: "T",
        password: "recovered-pass-1",
        update: true,
      });
      expect(updated).toEqual({ id: demo.tech.id, created: false });
      expect(await getUserById(t.db, demo.tech.id)).toMatchObject({ role: "admin", active: true });
      const recovered = await auth.api.signInEmail({
        body: { email: "tech@fixed.test", password: "recovered-pass-1" },
      });
      expect(recovered.user.id).toBe(demo.tech.id);
    });
  });

  describe("user administration", () => {
    const admin = () => asSession(demo.admin);

    it("lets an admin create a user who can then sign in with that password", async () => {
      const result = await asUser(admin(), () =>
        createUserAction(
          form({ name: "Nina New", email: "Nina@Fixed.test", role: "manager", password: "initial-pass-1" }),
        ),
      );
      expect(result).toMatchObject({ ok: true });
      const [row] = await t.db.select().from(users).where(eq(users.email, "nina@fixed.test"));
      expect(row).toMatchObject({ name: "Nina New", role: "manager" });
      const signedIn = await auth.api.signInEmail({
        body: { email: "nina@fixed.test", password: "initial-pass-1" },
      });
      expect(signedIn.user.id).toBe(row.id);
    });

    it("answers bad or duplicate input with field errors and creates nothing", async () => {
      const before = await snapshot();
      const bad = await asUser(admin(), () =>
        createUserAction(form({ name: "", email: "not-an-email", role: "owner", password: "short" })),
      );
      expect(bad).toMatchObject({ ok: false, message: "Please fix the highlighted fields." });
      if (bad.ok) throw new Error("unreachable");
      expect(Object.keys(bad.fieldErrors ?? {}).sort()).toEqual(["email", "name", "password", "role"]);
      expect(bad.values).toEqual({ name: "", email: "not-an-email", role: "owner" });

      const duplicate = await asUser(admin(), () =>
        createUserAction(
          form({
            name: "Tess Again",
            email: "TECH@fixed.test",
            role: "technician",
            password: "initial-pass-1",
          }),
        ),
      );
      expect(duplicate).toMatchObject({
        ok: false,
        fieldErrors: { email: ["A user with this e-mail already exists."] },
      });
      expect(await snapshot()).toEqual(before);
    });

    it("lets an admin change a role", async () => {
      const result = await asUser(admin(), () =>
        changeRoleAction(form({ userId: demo.tech.id, role: "manager" })),
      );
      expect(result).toMatchObject({ ok: true });
      expect((await getUserById(t.db, demo.tech.id))?.role).toBe("manager");
    });

    it("lets an admin reset a password, which signs the user out everywhere", async () => {
      await auth.api.signInEmail({ body: { email: "tech@fixed.test", password: DEMO_PASSWORD } });
      expect(await countSessions(t.db, demo.tech.id)).toBe(1);
      const result = await asUser(admin(), () =>
        resetPasswordAction(form({ userId: demo.tech.id, password: "brand-new-pass" })),
      );
      expect(result).toMatchObject({ ok: true });
      expect(await countSessions(t.db, demo.tech.id)).toBe(0);
      await expect(
        auth.api.signInEmail({ body: { email: "tech@fixed.test", password: DEMO_PASSWORD } }),
      ).rejects.toMatchObject({ statusCode: 401 });
      const ok = await auth.api.signInEmail({
        body: { email: "tech@fixed.test", password: "brand-new-pass" },
      });
      expect(ok.user.id).toBe(demo.tech.id);
    });

    it("deactivating revokes the user's sessions and stops sign-in; reactivating allows it again", async () => {
      const cookie = await sessionCookie("tech@fixed.test", DEMO_PASSWORD);
      expect(await auth.api.getSession({ headers: new Headers({ cookie }) })).not.toBeNull();

      const result = await asUser(admin(), () => deactivateUserAction(form({ userId: demo.tech.id })));
      expect(result).toMatchObject({ ok: true });
      expect(await countSessions(t.db, demo.tech.id)).toBe(0);
      expect(await auth.api.getSession({ headers: new Headers({ cookie }) })).toBeNull();
      expect((await getUserById(t.db, demo.tech.id))?.active).toBe(false);
      await expect(
        auth.api.signInEmail({ body: { email: "tech@fixed.test", password: DEMO_PASSWORD } }),
      ).rejects.toMatchObject({ statusCode: 403, body: { code: "BANNED_USER" } });
      const http = await httpSignIn("tech@fixed.test", DEMO_PASSWORD, "192.0.2.99");
      expect(http.status).toBe(403);
      expect(await countSessions(t.db, demo.tech.id)).toBe(0);

      expect(await asUser(admin(), () => reactivateUserAction(form({ userId: demo.tech.id })))).toMatchObject(
        {
          ok: true,
        },
      );
      const again = await auth.api.signInEmail({
        body: { email: "tech@fixed.test", password: DEMO_PASSWORD },
      });
      expect(again.user.id).toBe(demo.tech.id);
    });

    it("refuses to let admins demote or deactivate themselves", async () => {
      const before = await snapshot();
      expect(
        await asUser(admin(), () => changeRoleAction(form({ userId: demo.admin.id, role: "technician" }))),
      ).toEqual({
        ok: false,
        message: "You can't change your own role.",
      });
      expect(await asUser(admin(), () => deactivateUserAction(form({ userId: demo.admin.id })))).toEqual({
        ok: false,
        message: "You can't deactivate your own account.",
      });
      expect(await snapshot()).toEqual(before);
    });

    it("never leaves the shop without an active admin", async () => {
      expect(await setUserRole(t.db, demo.admin.id, "manager")).toEqual({ ok: false, reason: "last_admin" });
      expect(await deactivateUser(t.db, demo.admin.id)).toEqual({ ok: false, reason: "last_admin" });
      // With a second active admin, either may demote the other.
      await asUser(admin(), () => changeRoleAction(form({ userId: demo.manager.id, role: "admin" })));
      const mara = { ...asSession(demo.manager), role: "admin" as const };
      expect(
        await asUser(mara, () => changeRoleAction(form({ userId: demo.admin.id, role: "manager" }))),
      ).toMatchObject({
        ok: true,
      });
      expect((await getUserById(t.db, demo.admin.id))?.role).toBe("manager");
    });

    it("answers an unknown user id clearly", async () => {
      expect(
        await asUser(admin(), () => changeRoleAction(form({ userId: "nope", role: "manager" }))),
      ).toEqual({
        ok: false,
        message: "That user no longer exists.",
      });
    });

    const callers: Array<[string, () => SessionUser | null, string]> = [
      ["a technician", () => asSession(demo.tech), "Your role (technician) may not do this."],
      ["a manager", () => asSession(demo.manager), "Your role (manager) may not do this."],
      ["a signed-out visitor", () => null, "You are signed out. Sign in again."],
    ];
    const attempts: Array<[string, () => Promise<ActionResult<unknown>>]> = [
      [
        "create a user",
        () =>
          createUserAction(
            form({ name: "X", email: "x@fixed.test", role: "admin", password: "initial-pass-1" }),
          ),
      ],
      ["change a role", () => changeRoleAction(form({ userId: demo.theo.id, role: "admin" }))],
      [
        "reset a password",
        () => resetPasswordAction(form({ userId: demo.admin.id, password: "taken-over-1" })),
      ],
      ["deactivate a user", () => deactivateUserAction(form({ userId: demo.admin.id }))],
      ["reactivate a user", () => reactivateUserAction(form({ userId: demo.theo.id }))],
    ];
    describe.each(callers)("for %s", (_label, who, message) => {
      it.each(attempts)("refuses to %s and changes nothing", async (_action, run) => {
        // A live admin session, so "nothing changed" covers sessions too.
        await t.db.insert(sessions).values({
          id: "admin-session",
          token: "admin-session-token",
          userId: demo.admin.id,
          expiresAt: new Date(Date.now() + 3_600_000),
        });
        const before = await snapshot();
        expect(await asUser(who(), run)).toEqual({ ok: false, message });
        expect(await snapshot()).toEqual(before);
      });
    });
  });
});
