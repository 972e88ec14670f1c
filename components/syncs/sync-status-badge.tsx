import { CircleAlert, CircleCheck, LoaderCircle } from "lucide-react";
import type * as React from "react";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { SyncStatus } from "@/db/schema";
import { cn } from "@/lib/utils";
import { SYNC_STATUS_LABELS } from "./labels";

const SYNC_STATUS_TONES: Record<SyncStatus, BadgeTone> = {
  pending: "amber",
  synced: "green",
  failed: "red",
};

const ICONS: Record<SyncStatus, React.ComponentType<{ className?: string; "aria-hidden"?: boolean }>> = {
  pending: LoaderCircle,
  synced: CircleCheck,
  failed: CircleAlert,
};

/** Chart and legend colours (SVG fills) per status. */
export const SYNC_STATUS_FILLS: Record<SyncStatus, string> = {
  pending: "fill-amber-400",
  synced: "fill-emerald-500",
  failed: "fill-red-500",
};

export function SyncStatusBadge({ status, className }: { status: SyncStatus; className?: string }) {
  const Icon = ICONS[status];
  return (
    <Badge tone={SYNC_STATUS_TONES[status]} className={className}>
      <Icon
        aria-hidden
        className={cn("size-3", status === "pending" && "animate-spin motion-reduce:animate-none")}
      />
      {SYNC_STATUS_LABELS[status]}
    </Badge>
  );
}
