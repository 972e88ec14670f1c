import "server-only";
import { randomUUID } from "node:crypto";
import { hashPassword } from "better-auth/crypto";
import { and, asc, count, eq, inArray, isNull, ne, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { accounts, type Role, sessions, users } from "@/db/schema";

/** better-auth's provider id for e-mail + password accounts. */
const CREDENTIAL_PROVIDER = "credential";

export type UserRow = {
  id: string;
  name: string;
  email: string;
  role: Role;
  active: boolean;
  createdAt: Date;
};

/** Deactivated = banned by the admin plugin, with no expiry or one still ahead. */
const isActive = sql<boolean>`not (coalesce(${users.banned}, false) and (${users.banExpires} is null or ${users.banExpires} > now()))`;

export async function listUsers(db: Db): Promise<UserRow[]> {
  return db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      active: isActive,
      createdAt: users.createdAt,
    })
    .from(users)
    .orderBy(asc(users.name), asc(users.email));
}

/** Active (not deactivated) users with one of `roles`: who is told about a notice. */
export async function listActiveUsersWithRoles(
  db: Db,
  roles: readonly Role[],
): Promise<{ id: string; name: string; email: string; role: Role }[]> {
  return db
    .select({ id: users.id, name: users.name, email: users.email, role: users.role })
    .from(users)
    .where(and(inArray(users.role, [...roles]), isActive))
    .orderBy(asc(users.email));
}

export async function getUserById(db: Db, id: string): Promise<UserRow | undefined> {
  const [row] = await db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      active: isActive,
      createdAt: users.createdAt,
    })
    .from(users)
    .where(eq(users.id, id));
  return row;
}

export async function findUserIdByEmail(db: Db, email: string): Promise<string | undefined> {
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.email, normalizeEmail(email)));
  return row?.id;
}

/** better-auth looks e-mails up in lower case. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export type CreateUserInput = { name: string; email: string; role: Role; password: string };
export type CreateUserResult = { ok: true; id: string } | { ok: false; reason: "email_taken" };

/** A user with an e-mail + password account, as better-auth's sign-up would write it (password hashed). */
export async function createUser(db: Db, input: CreateUserInput): Promise<CreateUserResult> {
  const email = normalizeEmail(input.email);
  const hash = await hashPassword(input.password);
  const id = randomUUID();
  const inserted = await db.transaction(async (tx) => {
    const created = await tx
      .insert(users)
      .values({ id, name: input.name.trim(), email, role: input.role, emailVerified: true })
      .onConflictDoNothing()
      .returning({ id: users.id });
    if (created.length === 0) return false;
    await tx.insert(accounts).values({
      id: randomUUID(),
      accountId: id,
      providerId: CREDENTIAL_PROVIDER,
      userId: id,
      password: hash,
    });
    return true;
  });
  return inserted ? { ok: true, id } : { ok: false, reason: "email_taken" };
}

export type GuardedChange = { ok: true } | { ok: false; reason: "not_found" | "last_admin" };

/**
 * Changes a role. Refuses to take away the last active admin (two admins demoting each other at once
 * would otherwise leave none): the admin rows are locked for the check.
 */
export async function setUserRole(db: Db, id: string, role: Role): Promise<GuardedChange> {
  return db.transaction(async (tx) => {
    const target = await lockUser(tx, id);
    if (!target) return { ok: false, reason: "not_found" };
    if (target.role === "admin" && role !== "admin" && !(await anotherActiveAdmin(tx, id))) {
      return { ok: false, reason: "last_admin" };
    }
    await tx.update(users).set({ role, updatedAt: new Date() }).where(eq(users.id, id));
    return { ok: true };
  });
}

/**
 * Deactivates (bans) a user and deletes their sessions in the same transaction, so they are signed out
 * at once and, through the admin plugin, cannot sign in again.
 */
export async function deactivateUser(
  db: Db,
  id: string,
  reason = "Deactivated by an admin",
): Promise<GuardedChange> {
  return db.transaction(async (tx) => {
    const target = await lockUser(tx, id);
    if (!target) return { ok: false, reason: "not_found" };
    if (target.role === "admin" && !(await anotherActiveAdmin(tx, id)))
      return { ok: false, reason: "last_admin" };
    await tx
      .update(users)
      .set({ banned: true, banReason: reason, banExpires: null, updatedAt: new Date() })
      .where(eq(users.id, id));
    await tx.delete(sessions).where(eq(sessions.userId, id));
    return { ok: true };
  });
}

export async function reactivateUser(db: Db, id: string): Promise<GuardedChange> {
  const updated = await db
    .update(users)
    .set({ banned: false, banReason: null, banExpires: null, updatedAt: new Date() })
    .where(eq(users.id, id))
    .returning({ id: users.id });
  return updated.length ? { ok: true } : { ok: false, reason: "not_found" };
}

/**
 * Sets a new password (hashed); with `revokeSessions`, signs the user out everywhere, except for the
 * session `keepSessionId` (an admin changing their own password stays signed in where they did it).
 */
export async function setUserPassword(
  db: Db,
  id: string,
  password: string,
  options: { revokeSessions: boolean; keepSessionId?: string },
): Promise<{ ok: true } | { ok: false; reason: "not_found" }> {
  const hash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const target = await lockUser(tx, id);
    if (!target) return { ok: false, reason: "not_found" };
    const updated = await tx
      .update(accounts)
      .set({ password: hash, updatedAt: new Date() })
      .where(and(eq(accounts.userId, id), eq(accounts.providerId, CREDENTIAL_PROVIDER)))
      .returning({ id: accounts.id });
    if (updated.length === 0) {
      await tx.insert(accounts).values({
        id: randomUUID(),
        accountId: id,
        providerId: CREDENTIAL_PROVIDER,
        userId: id,
        password: hash,
      });
    }
    if (options.revokeSessions) {
      const keep = options.keepSessionId ? ne(sessions.id, options.keepSessionId) : undefined;
      await tx.delete(sessions).where(and(eq(sessions.userId, id), keep));
    }
    return { ok: true };
  });
}

export async function countSessions(db: Db, userId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(sessions).where(eq(sessions.userId, userId));
  return row?.n ?? 0;
}

async function lockUser(tx: Db, id: string) {
  const [row] = await tx
    .select({ id: users.id, role: users.role })
    .from(users)
    .where(eq(users.id, id))
    .for("update");
  return row;
}

async function anotherActiveAdmin(tx: Db, exceptId: string): Promise<boolean> {
  const rows = await tx
    .select({ id: users.id })
    .from(users)
    .where(
      and(eq(users.role, "admin"), ne(users.id, exceptId), or(isNull(users.banned), eq(users.banned, false))),
    )
    .for("update");
  return rows.length > 0;
}
