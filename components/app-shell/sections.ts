import type { Role } from "@/db/schema";

export type AppSection = { href: string; label: string; role: Role };

/** The main navigation, each section with the lowest role that opens its pages (its [id] pages may be wider). */
export const APP_SECTIONS: AppSection[] = [
  { href: "/", label: "Dashboard", role: "technician" },
  { href: "/work-items", label: "Work items", role: "technician" },
  { href: "/syncs", label: "Syncs", role: "manager" },
  { href: "/integrations", label: "Integrations", role: "admin" },
  { href: "/admin/users", label: "Users", role: "admin" },
  { href: "/admin/audit", label: "Audit log", role: "admin" },
  { href: "/demo-receiver", label: "Demo receiver", role: "admin" },
];

/** The section a path belongs to (`/syncs/12?x=1` → Syncs), or null for the dashboard and unknown paths. */
export function sectionOf(path: string): AppSection | null {
  const pathname = path.split(/[?#]/)[0] ?? "";
  return (
    APP_SECTIONS.find((s) => s.href !== "/" && (pathname === s.href || pathname.startsWith(`${s.href}/`))) ??
    null
  );
}
