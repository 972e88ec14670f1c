"use client";

import Link from "next/link";
import { createDataTableColumnHelper, type DataTableColumn } from "@/components/ui/data-table";
import { Time } from "@/components/ui/time";
import type { WorkItemPriority, WorkItemStatus } from "@/db/schema";
import type { WorkItemSortKey } from "@/server/work-items/list-params";
import { PriorityBadge, StatusBadge } from "./badges";

/** What the list needs of a work item (dates as ISO strings, so the row is plain JSON). */
export type WorkItemListItem = {
  id: number;
  reference: string;
  title: string;
  customerName: string;
  device: string;
  serialNumber: string | null;
  status: WorkItemStatus;
  priority: WorkItemPriority;
  technicianName: string | null;
  updatedAt: string;
};

const helper = createDataTableColumnHelper<WorkItemListItem>();

export const workItemColumns: DataTableColumn<WorkItemListItem>[] = helper.columns([
  helper.accessor("reference", {
    id: "reference" satisfies WorkItemSortKey,
    header: "Reference",
    cell: (info) => (
      <Link
        href={`/work-items/${info.row.original.id}`}
        className="font-mono text-[13px] font-medium text-indigo-700 hover:text-indigo-900 hover:underline"
      >
        {info.getValue()}
      </Link>
    ),
  }),
  helper.accessor("title", {
    id: "title" satisfies WorkItemSortKey,
    header: "Title",
    cell: (info) => (
      <div className="max-w-[13rem] sm:max-w-80 sm:min-w-44">
        <Link
          href={`/work-items/${info.row.original.id}`}
          className="font-mono text-xs font-medium text-indigo-700 hover:underline sm:hidden"
        >
          {info.row.original.reference}
        </Link>
        <p className="truncate font-medium text-slate-900">{info.getValue()}</p>
        <p className="truncate text-xs text-slate-500">
          {info.row.original.device}
          {info.row.original.serialNumber ? ` · ${info.row.original.serialNumber}` : ""}
        </p>
      </div>
    ),
  }),
  helper.accessor("customerName", {
    id: "customer" satisfies WorkItemSortKey,
    header: "Customer",
    cell: (info) => <span className="whitespace-nowrap">{info.getValue()}</span>,
  }),
  helper.accessor("status", {
    id: "status" satisfies WorkItemSortKey,
    header: "Status",
    cell: (info) => <StatusBadge status={info.getValue()} />,
  }),
  helper.accessor("priority", {
    id: "priority" satisfies WorkItemSortKey,
    header: "Priority",
    cell: (info) => <PriorityBadge priority={info.getValue()} />,
  }),
  helper.accessor("technicianName", {
    id: "technician",
    header: "Technician",
    enableSorting: false,
    cell: (info) =>
      info.getValue() ? (
        <span className="whitespace-nowrap">{info.getValue()}</span>
      ) : (
        <span className="text-slate-400">Unassigned</span>
      ),
  }),
  helper.accessor("updatedAt", {
    id: "updated" satisfies WorkItemSortKey,
    header: "Updated",
    cell: (info) => (
      <Time
        value={info.getValue()}
        format="datetime-minutes"
        className="whitespace-nowrap text-slate-600 tabular-nums"
      />
    ),
  }),
]);

/** Less important columns step aside on narrow screens. */
export const workItemColumnClassNames: Record<string, string> = {
  reference: "hidden sm:table-cell",
  customer: "hidden md:table-cell",
  priority: "hidden sm:table-cell",
  technician: "hidden lg:table-cell",
  updated: "hidden md:table-cell",
};
