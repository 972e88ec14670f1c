import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Time, useTimeZone } from "@/components/ui/time";
import type { AuditRow } from "@/server/audit/audit";
import { AUDIT_ACTION_LABELS, auditDetails } from "./labels";

/** One audit entry as a card: the log's row on a phone (DataTable's renderCard). */
export function AuditCard({ row, href }: { row: AuditRow; href: string | null }) {
  const details = auditDetails(row.details, useTimeZone());
  return (
    <div className="space-y-1 px-4 py-3 text-sm">
      <p className="flex items-center justify-between gap-3">
        <span className="font-medium text-slate-900">{AUDIT_ACTION_LABELS[row.action]}</span>
        {row.outcome === "succeeded" ? <Badge tone="green">Done</Badge> : <Badge tone="red">Refused</Badge>}
      </p>
      <p className="break-words">
        {href ? (
          <Link href={href} className="text-indigo-700 hover:underline">
            {row.targetLabel}
          </Link>
        ) : (
          row.targetLabel
        )}
      </p>
      {row.message ? <p className="text-xs text-slate-700">{row.message}</p> : null}
      {details.length ? (
        <dl className="text-xs text-slate-500">
          {details.map((d) => (
            <div key={d.label} className="flex gap-1">
              <dt className="shrink-0">{d.label}:</dt>
              <dd className="min-w-0 break-words text-slate-700">{d.value}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      <p className="text-xs text-slate-500">
        <span className={row.actorId ? undefined : "italic"}>{row.actorName}</span> ·{" "}
        <Time value={row.at} className="tabular-nums" />
      </p>
    </div>
  );
}
