"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { ROLES } from "@/db/schema";
import { logger } from "@/lib/logger";
import { actorOf, defineAction } from "@/server/auth/guard";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "@/server/auth/policy";
import {
  createUser,
  deactivateUser,
  getUserById,
  reactivateUser,
  setUserPassword,
  setUserRole,
  USER_REFUSALS,
  userRefusal,
} from "@/server/auth/users";

const USERS_PATH = "/admin/users";

const password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`)
  .max(MAX_PASSWORD_LENGTH, `Use at most ${MAX_PASSWORD_LENGTH} characters.`);
const role = z.enum(ROLES, { error: "Choose a role." });
const userId = z.string({ error: "Missing user." }).trim().min(1, "Missing user.");

const createUserSchema = z.object({
  name: z.string().trim().min(1, "Enter a name.").max(100, "Use at most 100 characters."),
  email: z.email({ error: "Enter a valid e-mail address." }).trim().max(254),
  role,
  password,
});

export const createUserAction = defineAction(
  { role: "admin", schema: createUserSchema, name: "users.create" },
  async (input, admin) => {
    const created = await createUser(getDb(), input, actorOf(admin));
    if (!created.ok) {
      return {
        ok: false,
        message: "Please fix the highlighted fields.",
        fieldErrors: { email: [USER_REFUSALS.email_taken] },
        values: { name: input.name, email: input.email, role: input.role },
      };
    }
    logger.info({ userId: created.id, role: input.role, by: admin.id }, "User created");
    revalidatePath(USERS_PATH);
    return { ok: true, data: { id: created.id }, message: `${input.name} can now sign in as ${input.role}.` };
  },
);

export const changeRoleAction = defineAction(
  { role: "admin", schema: z.object({ userId, role }), name: "users.change-role" },
  async (input, admin) => {
    const result = await setUserRole(getDb(), input.userId, input.role, actorOf(admin));
    if (!result.ok) return { ok: false, message: userRefusal("user.role_change", result.reason) };
    logger.info({ userId: input.userId, role: input.role, by: admin.id }, "User role changed");
    revalidatePath(USERS_PATH);
    return { ok: true, data: null, message: `Role changed to ${input.role}.` };
  },
);

export const resetPasswordAction = defineAction(
  { role: "admin", schema: z.object({ userId, password }), name: "users.reset-password" },
  async (input, admin) => {
    const self = input.userId === admin.id;
    // Every session that knew the old password ends; an admin changing their own keeps this one.
    const result = await setUserPassword(
      getDb(),
      input.userId,
      input.password,
      {
        revokeSessions: true,
        keepSessionId: self ? admin.sessionId : undefined,
      },
      actorOf(admin),
    );
    if (!result.ok) return { ok: false, message: USER_REFUSALS.not_found };
    logger.info({ userId: input.userId, by: admin.id }, "User password reset");
    revalidatePath(USERS_PATH);
    return {
      ok: true,
      data: null,
      message: self
        ? "Your password was changed. Your other sessions were signed out."
        : "Password reset. The user was signed out everywhere.",
    };
  },
);

export const deactivateUserAction = defineAction(
  { role: "admin", schema: z.object({ userId }), name: "users.deactivate" },
  async (input, admin) => {
    const result = await deactivateUser(getDb(), input.userId, actorOf(admin));
    if (!result.ok) return { ok: false, message: userRefusal("user.deactivate", result.reason) };
    logger.info({ userId: input.userId, by: admin.id }, "User deactivated");
    revalidatePath(USERS_PATH);
    return { ok: true, data: null, message: "Deactivated and signed out." };
  },
);

export const reactivateUserAction = defineAction(
  { role: "admin", schema: z.object({ userId }), name: "users.reactivate" },
  async (input, admin) => {
    const result = await reactivateUser(getDb(), input.userId, actorOf(admin));
    if (!result.ok) return { ok: false, message: USER_REFUSALS.not_found };
    const target = await getUserById(getDb(), input.userId);
    logger.info({ userId: input.userId, by: admin.id }, "User reactivated");
    revalidatePath(USERS_PATH);
    return { ok: true, data: null, message: `${target?.name ?? "The user"} can sign in again.` };
  },
);
