import { z } from "zod";
import { AUDIT_ACTIONS, AUDIT_TARGET_TYPES, type AuditAction, type AuditTargetType } from "@/db/schema";
import { dateParam, firstParam, pageParam, type RawParams } from "@/lib/search-params";

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

/** Reads the filters from search params; anything malformed falls back to the default (no filter). */
export function parseAuditParams(raw: RawParams): AuditParams {
  const actor = (firstParam(raw, "actor") ?? "").trim().slice(0, 100);
  return {
    page: pageParam(raw),
    action: z
      .enum(AUDIT_ACTIONS)
      .nullable()
      .catch(null)
      .parse(firstParam(raw, "action") ?? null),
    actor: actor || null,
    targetType: z
      .enum(AUDIT_TARGET_TYPES)
      .nullable()
      .catch(null)
      .parse(firstParam(raw, "type") ?? null),
    target: (firstParam(raw, "target") ?? "").trim().slice(0, 100),
    from: dateParam(raw, "from"),
    to: dateParam(raw, "to"),
  };
}

/** The URL query for a filter state, leaving defaults out. */
export function auditQuery(params: Partial<AuditParams>): string {
  const p = { ...DEFAULT_AUDIT_PARAMS, ...params };
  const search = new URLSearchParams();
  if (p.action) search.set("action", p.action);
  if (p.actor) search.set("actor", p.actor);
  if (p.targetType) search.set("type", p.targetType);
  if (p.target) search.set("target", p.target);
  if (p.from) search.set("from", p.from);
  if (p.to) search.set("to", p.to);
  if (p.page > 1) search.set("page", String(p.page));
  const query = search.toString();
  return query ? `?${query}` : "";
}

export function hasAuditFilters(p: AuditParams): boolean {
  return Boolean(p.action || p.actor || p.targetType || p.target || p.from || p.to);
}
