import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { Role } from "@/server/auth/roles";
import { ROLE_LABELS } from "./labels";

const ROLE_TONES: Record<Role, BadgeTone> = {
  technician: "neutral",
  manager: "blue",
  admin: "amber",
};

export function RoleBadge({ role }: { role: Role }) {
  return <Badge tone={ROLE_TONES[role]}>{ROLE_LABELS[role]}</Badge>;
}
