import type { WorkItem } from "@/db/schema";
import { formatCents, type WorkItemFields } from "./validation";

/** The string values a work item form shows for a row (or for parsed input echoed back). */
export function workItemFormValues(
  item: Partial<Pick<WorkItem, keyof WorkItemFields>> & { revision?: number },
): Record<string, string> {
  return {
    title: item.title ?? "",
    description: item.description ?? "",
    customerName: item.customerName ?? "",
    customerEmail: item.customerEmail ?? "",
    customerPhone: item.customerPhone ?? "",
    device: item.device ?? "",
    serialNumber: item.serialNumber ?? "",
    status: item.status ?? "new",
    priority: item.priority ?? "normal",
    price: formatCents(item.priceCents),
    technicianId: item.technicianId ?? "",
    ...(item.revision === undefined ? {} : { revision: String(item.revision) }),
  };
}
