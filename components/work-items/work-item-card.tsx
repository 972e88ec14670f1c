import Link from "next/link";
import { Time } from "@/components/ui/time";
import { PriorityBadge, StatusBadge } from "./badges";
import type { WorkItemListItem } from "./columns";

/** One work item as a card: the list's row on a phone (DataTable's renderCard). */
export function WorkItemCard({ item }: { item: WorkItemListItem }) {
  return (
    <Link
      href={`/work-items/${item.id}`}
      className="block space-y-1 px-4 py-3 text-sm hover:bg-slate-50 focus-visible:bg-slate-50 focus-visible:outline-none"
    >
      <p className="flex items-center justify-between gap-3">
        <span className="font-mono text-[13px] font-medium text-indigo-700">{item.reference}</span>
        <span className="flex shrink-0 items-center gap-1.5">
          {item.priority === "express" ? <PriorityBadge priority={item.priority} /> : null}
          <StatusBadge status={item.status} />
        </span>
      </p>
      <p className="font-medium break-words text-slate-900">{item.title}</p>
      <p className="truncate text-xs text-slate-600">
        {item.device}
        {item.serialNumber ? ` · ${item.serialNumber}` : ""} · {item.customerName}
      </p>
      <p className="text-xs text-slate-500">
        {item.technicianName ?? "Unassigned"} · updated <Time value={item.updatedAt} format="ago" />
      </p>
    </Link>
  );
}
