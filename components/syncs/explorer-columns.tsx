"use client";

import Link from "next/link";
import { createDataTableColumnHelper, type DataTableColumn } from "@/components/ui/data-table";
import { Time, useTimeZone } from "@/components/ui/time";
import { formatDateTime } from "@/lib/time";
import type { ExplorerRow, ObjectCountRow } from "@/server/syncs/explorer";
import type { ExplorerSortKey } from "@/server/syncs/explorer-params";
import { formatMs } from "./format";
import { EVENT_TYPE_LABELS, SUBJECT_LABELS } from "./labels";
import { SyncStatusBadge } from "./sync-status-badge";

const helper = createDataTableColumnHelper<ExplorerRow>();

function CreatedLink({ id, at }: { id: ExplorerRow["id"]; at: string }) {
  const zone = useTimeZone();
  return (
    <Link
      href={`/syncs/${id}`}
      className="whitespace-nowrap text-indigo-700 tabular-nums hover:text-indigo-900 hover:underline"
      aria-label={`Sync ${id}, ${formatDateTime(at, zone)}`}
    >
      <Time value={at} />
    </Link>
  );
}

export const explorerColumns: DataTableColumn<ExplorerRow>[] = helper.columns([
  helper.accessor("createdAt", {
    id: "created" satisfies ExplorerSortKey,
    header: "Created",
    cell: (info) => <CreatedLink id={info.row.original.id} at={info.getValue()} />,
  }),
  helper.accessor("reference", {
    id: "object",
    header: "Object",
    enableSorting: false,
    cell: (info) => {
      const r = info.row.original;
      return (
        <div className="whitespace-nowrap">
          <Link
            href={`/work-items/${r.workItemId}`}
            className="font-mono text-[13px] font-medium text-indigo-700 hover:text-indigo-900 hover:underline"
          >
            {r.reference}
          </Link>
          <p className="text-xs text-slate-500">
            {SUBJECT_LABELS[r.subjectType]} {r.subjectId} · rev. {r.revision}
          </p>
        </div>
      );
    },
  }),
  helper.accessor("integrationName", {
    id: "integration",
    header: "Integration",
    enableSorting: false,
    cell: (info) => <span className="whitespace-nowrap">{info.getValue()}</span>,
  }),
  helper.accessor("eventType", {
    id: "event" satisfies ExplorerSortKey,
    header: "Event",
    cell: (info) => (
      <span className="whitespace-nowrap">{EVENT_TYPE_LABELS[info.row.original.eventType]}</span>
    ),
  }),
  helper.accessor("status", {
    id: "status" satisfies ExplorerSortKey,
    header: "Status",
    cell: (info) => <SyncStatusBadge status={info.getValue()} />,
  }),
  helper.accessor("attemptCount", {
    id: "attempts" satisfies ExplorerSortKey,
    header: "Attempts",
    cell: (info) => <span className="tabular-nums">{info.getValue()}</span>,
  }),
  helper.accessor("lastStatusCode", {
    id: "response",
    header: "Response",
    enableSorting: false,
    cell: (info) => {
      const r = info.row.original;
      if (r.lastStatusCode !== null) return <span className="tabular-nums">HTTP {r.lastStatusCode}</span>;
      if (r.lastError)
        return (
          <span className="block max-w-48 truncate text-red-800" title={r.lastError}>
            {r.lastError}
          </span>
        );
      return <span className="text-slate-400">—</span>;
    },
  }),
  helper.accessor("lastDurationMs", {
    id: "latency" satisfies ExplorerSortKey,
    header: "Latency",
    cell: (info) => <span className="whitespace-nowrap tabular-nums">{formatMs(info.getValue())}</span>,
  }),
]);

export const explorerColumnClassNames: Record<string, string> = {
  integration: "hidden md:table-cell",
  event: "hidden lg:table-cell",
  attempts: "hidden sm:table-cell",
  response: "hidden lg:table-cell",
  latency: "hidden md:table-cell",
};

const objectHelper = createDataTableColumnHelper<ObjectCountRow>();

export const objectColumns: DataTableColumn<ObjectCountRow>[] = objectHelper.columns([
  objectHelper.accessor("reference", {
    id: "reference",
    header: "Work item",
    enableSorting: false,
    cell: (info) => (
      <div className="min-w-40 max-w-80">
        <Link
          href={`/work-items/${info.row.original.workItemId}`}
          className="font-mono text-[13px] font-medium text-indigo-700 hover:text-indigo-900 hover:underline"
          aria-label={`${info.getValue()} timeline`}
        >
          {info.getValue()}
        </Link>
        <p className="truncate text-xs text-slate-500">{info.row.original.title}</p>
      </div>
    ),
  }),
  objectHelper.accessor("total", {
    id: "total",
    header: "Syncs",
    cell: (info) => <span className="font-medium tabular-nums">{info.getValue()}</span>,
  }),
  objectHelper.accessor("synced", {
    id: "synced",
    header: "Synced",
    enableSorting: false,
    cell: (info) => <span className="text-emerald-800 tabular-nums">{info.getValue()}</span>,
  }),
  objectHelper.accessor("failed", {
    id: "failed",
    header: "Failed",
    enableSorting: false,
    cell: (info) => (
      <span
        className={info.getValue() ? "font-medium text-red-700 tabular-nums" : "text-slate-500 tabular-nums"}
      >
        {info.getValue()}
      </span>
    ),
  }),
  objectHelper.accessor("pending", {
    id: "pending",
    header: "Pending",
    enableSorting: false,
    cell: (info) => <span className="text-slate-700 tabular-nums">{info.getValue()}</span>,
  }),
  objectHelper.accessor("lastSyncAt", {
    id: "last",
    header: "Last sync",
    enableSorting: false,
    cell: (info) => (
      <Time value={info.getValue()} className="whitespace-nowrap text-slate-600 tabular-nums" />
    ),
  }),
]);

export const objectColumnClassNames: Record<string, string> = {
  synced: "hidden sm:table-cell",
  pending: "hidden sm:table-cell",
  last: "hidden md:table-cell",
};
