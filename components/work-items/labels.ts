import type { WorkItemPriority, WorkItemStatus } from "@/db/schema";

export const STATUS_LABELS: Record<WorkItemStatus, string> = {
  new: "New",
  in_progress: "In progress",
  waiting_parts: "Waiting for parts",
  resolved: "Resolved",
  closed: "Closed",
};

export const PRIORITY_LABELS: Record<WorkItemPriority, string> = {
  normal: "Normal",
  express: "Express",
};
