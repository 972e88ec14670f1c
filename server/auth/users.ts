import "server-only";
import { randomUUID } from "node:crypto";
import { hashPassword } from "better-auth/crypto";
import { and, asc, count, eq, inArray, isNull, ne, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { accounts, type Role, sessions, users } from "@/db/schema";
import { type AuditActor, type AuditRecord, recordAudit, SYSTEM_ACTOR } from "@/server/audit/audit";

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
export async function createUser(
  db: Db,
  input: CreateUserInput,
  actor: AuditActor = SYSTEM_ACTOR,
): Promise<CreateUserResult> {
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
    await recordAudit(tx, {
      actor,
      action: "user.create",
      target: userTarget(id, input.name.trim(), email),
      outcome: "succeeded",
      details: { role: input.role },
    });
    return true;
  });
  if (inserted) return { ok: true, id };
  const existing = await findUserIdByEmail(db, email);
  await refusedUserAct(
    db,
    actor,
    "user.create",
    existing ?? null,
    `${input.name.trim()} <${email}>`,
    "email_taken",
  );
  return { ok: false, reason: "email_taken" };
}

export type GuardedChange = { ok: true } | { ok: false; reason: "not_found" | "last_admin" | "self" };

/**
 * Changes a role. Refuses to take away the last active admin (two admins demoting each other at once
 * would otherwise leave none): the admin rows are locked for the check.
 */
export async function setUserRole(
  db: Db,
  id: string,
  role: Role,
  actor: AuditActor = SYSTEM_ACTOR,
): Promise<GuardedChange> {
  if (actor !== "system" && actor.id === id)
    return refusedUserAct(db, actor, "user.role_change", id, null, "self");
  const result = await db.transaction(
    async (tx): Promise<GuardedChange | { ok: false; reason: "last_admin"; label: string }> => {
      const target = await lockUser(tx, id);
      if (!target) return { ok: false, reason: "not_found" };
      if (target.role === "admin" && role !== "admin" && !(await anotherActiveAdmin(tx, id))) {
        return { ok: false, reason: "last_admin", label: labelOf(target) };
      }
      await tx.update(users).set({ role, updatedAt: new Date() }).where(eq(users.id, id));
      await recordAudit(tx, {
        actor,
        action: "user.role_change",
        target: userTarget(id, target.name, target.email),
        outcome: "succeeded",
        details: { from: target.role, to: role },
      });
      return { ok: true };
    },
  );
  if (result.ok) return result;
  return refusedUserAct(
    db,
    actor,
    "user.role_change",
    id,
    "label" in result ? result.label : null,
    result.reason,
  );
}

/**
 * Deactivates (bans) a user and deletes their sessions in the same transaction, so they are signed out
 * at once and, through the admin plugin, cannot sign in again.
 */
export async function deactivateUser(
  db: Db,
  id: string,
  actor: AuditActor = SYSTEM_ACTOR,
  reason = "Deactivated by an admin",
): Promise<GuardedChange> {
  if (actor !== "system" && actor.id === id)
    return refusedUserAct(db, actor, "user.deactivate", id, null, "self");
  const result = await db.transaction(
    async (tx): Promise<GuardedChange | { ok: false; reason: "last_admin"; label: string }> => {
      const target = await lockUser(tx, id);
      if (!target) return { ok: false, reason: "not_found" };
      if (target.role === "admin" && !(await anotherActiveAdmin(tx, id)))
        return { ok: false, reason: "last_admin", label: labelOf(target) };
      await tx
        .update(users)
        .set({ banned: true, banReason: reason, banExpires: null, updatedAt: new Date() })
        .where(eq(users.id, id));
      const signedOut = await tx
        .delete(sessions)
        .where(eq(sessions.userId, id))
        .returning({ id: sessions.id });
      await recordAudit(tx, {
        actor,
        action: "user.deactivate",
        target: userTarget(id, target.name, target.email),
        outcome: "succeeded",
        details: { sessionsEnded: signedOut.length },
      });
      return { ok: true };
    },
  );
  if (result.ok) return result;
  return refusedUserAct(
    db,
    actor,
    "user.deactivate",
    id,
    "label" in result ? result.label : null,
    result.reason,
  );
}

export async function reactivateUser(
  db: Db,
  id: string,
  actor: AuditActor = SYSTEM_ACTOR,
): Promise<GuardedChange> {
  const done = await db.transaction(async (tx) => {
    const [updated] = await tx
      .update(users)
      .set({ banned: false, banReason: null, banExpires: null, updatedAt: new Date() })
      .where(eq(users.id, id))
      .returning({ name: users.name, email: users.email });
    if (!updated) return false;
    await recordAudit(tx, {
      actor,
      action: "user.reactivate",
      target: userTarget(id, updated.name, updated.email),
      outcome: "succeeded",
    });
    return true;
  });
  return done ? { ok: true } : refusedUserAct(db, actor, "user.reactivate", id, null, "not_found");
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
  actor: AuditActor = SYSTEM_ACTOR,
): Promise<{ ok: true } | { ok: false; reason: "not_found" }> {
  const hash = await hashPassword(password);
  const done = await db.transaction(async (tx) => {
    const target = await lockUser(tx, id);
    if (!target) return false;
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
    let sessionsEnded = 0;
    if (options.revokeSessions) {
      const keep = options.keepSessionId ? ne(sessions.id, options.keepSessionId) : undefined;
      const ended = await tx
        .delete(sessions)
        .where(and(eq(sessions.userId, id), keep))
        .returning({ id: sessions.id });
      sessionsEnded = ended.length;
    }
    // Never the password, not even hashed.
    await recordAudit(tx, {
      actor,
      action: "user.password_reset",
      target: userTarget(id, target.name, target.email),
      outcome: "succeeded",
      details: { sessionsEnded },
    });
    return true;
  });
  if (done) return { ok: true };
  await refusedUserAct(db, actor, "user.password_reset", id, null, "not_found");
  return { ok: false, reason: "not_found" };
}

export async function countSessions(db: Db, userId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(sessions).where(eq(sessions.userId, userId));
  return row?.n ?? 0;
}

async function lockUser(tx: Db, id: string) {
  const [row] = await tx
    .select({ id: users.id, role: users.role, name: users.name, email: users.email })
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

/** What the admin is told when a user act is refused; the audit entry carries the same words. */
export const USER_REFUSALS = {
  not_found: "That user no longer exists.",
  last_admin: "There must be at least one active admin.",
  email_taken: "A user with this e-mail already exists.",
} as const;
type Refusal = keyof typeof USER_REFUSALS | "self";

const SELF_REFUSALS: Partial<Record<AuditRecord["action"], string>> = {
  "user.role_change": "You can't change your own role.",
  "user.deactivate": "You can't deactivate your own account.",
};

/** The words for a refused user act, as the admin reads them and the audit log keeps them. */
export function userRefusal(action: AuditRecord["action"], reason: Refusal): string {
  return reason === "self"
    ? (SELF_REFUSALS[action] ?? "You can't do that to your own account.")
    : USER_REFUSALS[reason];
}

const labelOf = (u: { name: string; email: string }) => `${u.name} <${u.email}>`;

const userTarget = (id: string | null, name: string, email: string): AuditRecord["target"] => ({
  type: "user",
  id,
  label: labelOf({ name, email }),
});

/** Records a refused user act (label looked up when not known) and returns the refusal. */
async function refusedUserAct<R extends Refusal>(
  db: Db,
  actor: AuditActor,
  action: AuditRecord["action"],
  id: string | null,
  label: string | null,
  reason: R,
): Promise<{ ok: false; reason: R }> {
  const known = label ?? (id ? await getUserById(db, id) : undefined);
  await recordAudit(db, {
    actor,
    action,
    target: {
      type: "user",
      id,
      label: typeof known === "string" ? known : known ? labelOf(known) : `user ${id}`,
    },
    outcome: "refused",
    message: userRefusal(action, reason),
  });
  return { ok: false, reason };
}
