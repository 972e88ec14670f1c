import type { AuditAction, AuditTargetType } from "@/db/schema";

export const AUDIT_PAGE_SIZE = 50;

/** The audit page's filters, all of them in the URL. Dates are `yyyy-MM-dd` (inclusive, server time). */
export type AuditParams = {
  page: number;
  action: AuditAction | null;
  /** A user id, or "system". */
  actor: string | null;
  targetType: AuditTargetType | null;
  /** Exact target id, or text in the target's label. */
  target: string;
  from: string | null;
  to: string | null;
};

export const DEFAULT_AUDIT_PARAMS: AuditParams = {
  page: 1,
  action: null,
  actor: null,
  targetType: null,
  target: "",
  from: null,
  to: null,
};
