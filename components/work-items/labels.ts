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

/** The work item form's fields by name, as its labels say them (conflicts name fields this way). */
export const FIELD_LABELS: Record<string, string> = {
  title: "Title",
  description: "Description",
  customerName: "Customer name",
  customerEmail: "Customer e-mail",
  customerPhone: "Customer phone",
  device: "Device",
  serialNumber: "Serial number",
  status: "Status",
  priority: "Priority",
  price: "Price",
  technicianId: "Technician",
};
