import type { ChangeEventType, ErrorKind, SubjectType, SyncStatus } from "@/db/schema";

export const SYNC_STATUS_LABELS: Record<SyncStatus, string> = {
  pending: "Pending",
  synced: "Synced",
  failed: "Failed",
};

export const EVENT_TYPE_LABELS: Record<ChangeEventType, string> = {
  workitem_created: "Work item created",
  workitem_updated: "Work item updated",
  workitem_status_changed: "Status changed",
  task_created: "Task created",
  task_updated: "Task updated",
};

export const SUBJECT_LABELS: Record<SubjectType, string> = {
  workitem: "Work item",
  task: "Task",
};

const ERROR_KIND_LABELS: Record<ErrorKind, string> = {
  timeout: "Timed out",
  dns: "Host not found",
  refused: "Connection refused",
  reset: "Connection reset",
  tls: "TLS error",
  http: "HTTP error",
  ssrf: "Blocked address",
  redirect: "Redirect not followed",
};

export function errorKindLabel(kind: string | null | undefined): string | null {
  if (!kind) return null;
  return (ERROR_KIND_LABELS as Record<string, string>)[kind] ?? kind;
}
