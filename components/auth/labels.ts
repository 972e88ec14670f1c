import type { Role } from "@/db/schema";

export const ROLE_LABELS: Record<Role, string> = {
  technician: "Technician",
  manager: "Manager",
  admin: "Admin",
};
