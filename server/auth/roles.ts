import { ROLES, type Role } from "@/db/schema/auth";

export { ROLES, type Role };

const RANK: Record<Role, number> = { technician: 0, manager: 1, admin: 2 };

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** technician < manager < admin: a user has a role when theirs is the same or higher. */
export function hasRole(user: { role: Role } | null | undefined, role: Role): boolean {
  if (!user || !isRole(user.role)) return false;
  return RANK[user.role] >= RANK[role];
}
