import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { WorkItemPriority, WorkItemStatus } from "@/db/schema";
import { PRIORITY_LABELS, STATUS_LABELS } from "./labels";

const STATUS_TONES: Record<WorkItemStatus, BadgeTone> = {
  new: "blue",
  in_progress: "violet",
  waiting_parts: "amber",
  resolved: "green",
  closed: "neutral",
};

export const STATUS_DOTS: Record<WorkItemStatus, string> = {
  new: "bg-sky-500",
  in_progress: "bg-violet-500",
  waiting_parts: "bg-amber-500",
  resolved: "bg-emerald-500",
  closed: "bg-slate-400",
};

export function StatusBadge({ status }: { status: WorkItemStatus }) {
  return (
    <Badge tone={STATUS_TONES[status]}>
      <span aria-hidden="true" className={`size-1.5 rounded-full ${STATUS_DOTS[status]}`} />
      {STATUS_LABELS[status]}
    </Badge>
  );
}

const PRIORITY_TONES: Record<WorkItemPriority, BadgeTone> = { normal: "neutral", express: "red" };

export function PriorityBadge({ priority }: { priority: WorkItemPriority }) {
  return <Badge tone={PRIORITY_TONES[priority]}>{PRIORITY_LABELS[priority]}</Badge>;
}
