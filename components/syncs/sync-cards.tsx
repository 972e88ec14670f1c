import Link from "next/link";
import { Time } from "@/components/ui/time";
import type { ExplorerRow, ObjectCountRow } from "@/server/syncs/explorer";
import { formatMs } from "./format";
import { EVENT_TYPE_LABELS, SUBJECT_LABELS } from "./labels";
import { SyncStatusBadge } from "./sync-status-badge";

/** One sync as a card: the explorer's row on a phone (DataTable's renderCard). */
export function SyncCard({ sync }: { sync: ExplorerRow }) {
  const response =
    sync.lastStatusCode !== null ? `HTTP ${sync.lastStatusCode}` : (sync.lastError ?? "no response yet");
  return (
    <div className="space-y-1 px-4 py-3 text-sm">
      <p className="flex items-center justify-between gap-3">
        <Link href={`/syncs/${sync.id}`} className="font-medium text-indigo-700 hover:underline">
          Sync {sync.id}
        </Link>
        <SyncStatusBadge status={sync.status} />
      </p>
      <p className="text-slate-900">
        {EVENT_TYPE_LABELS[sync.eventType]} → {sync.integrationName}
      </p>
      <p className="text-xs text-slate-600">
        <Link href={`/work-items/${sync.workItemId}`} className="font-mono text-indigo-700 hover:underline">
          {sync.reference}
        </Link>{" "}
        · {SUBJECT_LABELS[sync.subjectType]} {sync.subjectId}, rev. {sync.revision}
      </p>
      <p className="truncate text-xs text-slate-500" title={sync.lastError ?? undefined}>
        {sync.attemptCount} {sync.attemptCount === 1 ? "attempt" : "attempts"} · {response}
        {sync.lastDurationMs !== null ? ` · ${formatMs(sync.lastDurationMs)}` : ""} ·{" "}
        <Time value={sync.createdAt} format="ago" />
      </p>
    </div>
  );
}

/** One work item's sync counts as a card: the by-object view's row on a phone. */
export function ObjectCountCard({ row }: { row: ObjectCountRow }) {
  return (
    <Link
      href={`/work-items/${row.workItemId}`}
      className="block space-y-1 px-4 py-3 text-sm hover:bg-slate-50 focus-visible:bg-slate-50 focus-visible:outline-none"
    >
      <p className="flex items-center justify-between gap-3">
        <span className="font-mono text-[13px] font-medium text-indigo-700">{row.reference}</span>
        <span className="text-xs text-slate-500">
          last <Time value={row.lastSyncAt} format="ago" />
        </span>
      </p>
      <p className="truncate text-slate-900">{row.title}</p>
      <p className="text-xs text-slate-600 tabular-nums">
        {row.total} {row.total === 1 ? "sync" : "syncs"} ·{" "}
        <span className="text-emerald-800">{row.synced} synced</span>
        {" · "}
        <span className={row.failed ? "font-medium text-red-700" : undefined}>{row.failed} failed</span> ·{" "}
        {row.pending} pending
      </p>
    </Link>
  );
}
