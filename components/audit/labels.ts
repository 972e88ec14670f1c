import type { AuditAction, AuditTargetType } from "@/db/schema";
import { formatDateTime } from "@/lib/time";

/** The filter's words for each act. */
export const AUDIT_ACTION_LABELS: Record<AuditAction, string> = {
  "sync.resend": "Resend a sync",
  "syncs.recover": "Recover failed syncs",
  "integration.create": "Create an integration",
  "integration.update": "Edit an integration",
  "integration.pause": "Pause an integration",
  "integration.resume": "Resume an integration",
  "integration.rotate_secret": "Rotate a signing secret",
  "notice.acknowledge": "Acknowledge a notice",
  "user.create": "Add a user",
  "user.role_change": "Change a role",
  "user.deactivate": "Deactivate a user",
  "user.reactivate": "Reactivate a user",
  "user.password_reset": "Reset a password",
};

/** How an object's page tells it: "Resent by Mara Manager at 10:42". */
const AUDIT_ACTION_PAST: Record<AuditAction, string> = {
  "sync.resend": "Resent",
  "syncs.recover": "Recovery of failed syncs started",
  "integration.create": "Created",
  "integration.update": "Edited",
  "integration.pause": "Paused",
  "integration.resume": "Resumed",
  "integration.rotate_secret": "Signing secret rotated",
  "notice.acknowledge": "Pause notice acknowledged",
  "user.create": "Added",
  "user.role_change": "Role changed",
  "user.deactivate": "Deactivated",
  "user.reactivate": "Reactivated",
  "user.password_reset": "Password reset",
};

export const AUDIT_TARGET_LABELS: Record<AuditTargetType, string> = {
  sync: "Sync",
  integration: "Integration",
  user: "User",
};

type Entry = {
  at: string;
  actorName: string;
  action: AuditAction;
  outcome: "succeeded" | "refused";
  message: string | null;
};

/** "Resent by Mara Manager at 3 Dec 2026, 10:42 CET" (in `zone`), or "Resend … refused at …: why". */
export function describeAuditEntry(e: Entry, zone: string): string {
  const when = formatDateTime(e.at, zone, { seconds: false });
  if (e.outcome === "refused") {
    return `${AUDIT_ACTION_LABELS[e.action]} by ${e.actorName} refused at ${when}${e.message ? `: ${e.message}` : ""}`;
  }
  return `${AUDIT_ACTION_PAST[e.action]} by ${e.actorName} at ${when}`;
}

const DETAIL_LABELS: Record<string, string> = {
  reason: "Reason",
  changed: "Changed",
  previousName: "Was named",
  eventTypes: "Events",
  customHeader: "Header",
  waiting: "Waiting deliveries",
  since: "From",
  until: "To",
  count: "Syncs",
  requested: "Syncs",
  role: "Role",
  sessionsEnded: "Sessions ended",
  noticeId: "Notice",
  notice: "Notice",
  automatic: "Automatic",
  previousValidUntil: "Old secret valid until",
  integrations: "Integrations",
};

const ISO = /^\d{4}-\d{2}-\d{2}T/;

function detailValue(value: unknown, zone: string): string {
  if (value === null || value === undefined || value === "") return "—";
  if (Array.isArray(value)) return value.map((v) => detailValue(v, zone)).join(", ");
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "string" && ISO.test(value)) return formatDateTime(value, zone, { seconds: false });
  if (typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (typeof o.name === "string" && typeof o.count === "number") return `${o.name} (${o.count})`;
    return JSON.stringify(value);
  }
  return String(value);
}

/** An entry's details as short label/value pairs (a role change reads "technician → manager"); times in `zone`. */
export function auditDetails(
  details: Record<string, unknown>,
  zone: string,
): { label: string; value: string }[] {
  const { from, to, ...rest } = details;
  const out: { label: string; value: string }[] = [];
  if (typeof from === "string" && typeof to === "string" && !ISO.test(from)) {
    out.push({ label: "Role", value: `${from} → ${to}` });
  } else {
    if (from !== undefined) out.push({ label: "From", value: detailValue(from, zone) });
    if (to !== undefined) out.push({ label: "To", value: detailValue(to, zone) });
  }
  for (const [key, value] of Object.entries(rest)) {
    if (key === "noticeId") continue;
    out.push({ label: DETAIL_LABELS[key] ?? key, value: detailValue(value, zone) });
  }
  return out;
}
