import { CircleCheck, CirclePause, Plug, TriangleAlert } from "lucide-react";
import Link from "next/link";
import { EVENT_TYPE_LABELS } from "@/components/syncs/labels";
import { Badge } from "@/components/ui/badge";
import { buttonVariants } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Time } from "@/components/ui/time";
import { cn } from "@/lib/utils";
import type { IntegrationWithHealth } from "@/server/integrations/health";
import { formatPercent, responseSummary } from "../syncs/format";

export function IntegrationStateBadge({ active }: { active: boolean }) {
  return active ? (
    <Badge tone="green">
      <CircleCheck aria-hidden className="size-3" />
      Active
    </Badge>
  ) : (
    <Badge tone="amber">
      <CirclePause aria-hidden className="size-3" />
      Paused
    </Badge>
  );
}

function rateTone(rate: number | null) {
  if (rate === null) return "text-slate-500";
  if (rate >= 0.99) return "text-emerald-700";
  if (rate >= 0.9) return "text-amber-700";
  return "text-red-700";
}

/** "3 failed attempts in a row", the same words on the list and the integration's page. */
export function failedAttemptsText(count: number): string {
  return `${count} failed attempt${count === 1 ? "" : "s"} in a row`;
}

/** "Failing since 7 min ago" while the last attempt failed, or null. */
export function FailingSince({ health, now }: { health: IntegrationWithHealth["health"]; now?: number }) {
  if (!health.failingSince) return null;
  return (
    <span>
      Failing since <Time value={health.failingSince} format="ago" now={now} />
    </span>
  );
}

/**
 * The integrations with their health, as cards (they stay readable on a phone). The streak counts
 * attempts (every retry), exactly, as on the integration's own page.
 */
export function IntegrationHealthList({ integrations }: { integrations: IntegrationWithHealth[] }) {
  if (!integrations.length) {
    return (
      <div className="rounded-xl border border-slate-200 bg-white shadow-sm">
        <EmptyState
          icon={<Plug />}
          title="No integrations yet"
          description="Add the n8n webhook that should receive work item changes."
          action={
            <Link href="/integrations/new" className={buttonVariants({ variant: "primary" })}>
              New integration
            </Link>
          }
        />
      </div>
    );
  }
  const now = Date.now();
  return (
    <ul className="grid gap-4 lg:grid-cols-2" aria-label="Integrations">
      {integrations.map((i) => {
        const h = i.health;
        const failing = h.consecutiveFailures > 0;
        return (
          <li key={i.id} className="rounded-xl border border-slate-200 bg-white shadow-sm">
            <article aria-labelledby={`integration-${i.id}`} className="flex h-full flex-col">
              <div className="flex flex-wrap items-start justify-between gap-2 border-b border-slate-100 px-5 py-4">
                <div className="min-w-0">
                  <h2 id={`integration-${i.id}`} className="text-base font-semibold text-slate-900">
                    <Link href={`/integrations/${i.id}`} className="hover:underline">
                      {i.name}
                    </Link>
                  </h2>
                  <p className="truncate font-mono text-xs text-slate-500" title={i.url}>
                    {i.url}
                  </p>
                </div>
                <IntegrationStateBadge active={i.active} />
              </div>
              {!i.active ? (
                <p className="border-b border-amber-100 bg-amber-50 px-5 py-2 text-sm text-amber-900">
                  <span className="font-medium">Paused:</span> {i.pausedReason ?? "no reason given"}
                  {h.pending ? ` · ${h.pending} waiting` : ""}
                </p>
              ) : null}
              <dl className="grid flex-1 grid-cols-2 gap-x-4 gap-y-3 px-5 py-4 text-sm sm:grid-cols-4">
                <div>
                  <dt className="text-xs text-slate-500">Success (24 h)</dt>
                  <dd className={cn("text-lg font-semibold tabular-nums", rateTone(h.successRate24h))}>
                    {formatPercent(h.successRate24h)}
                  </dd>
                  <dd className="text-xs text-slate-500 tabular-nums">
                    {h.synced24h} ok · {h.failed24h} failed
                  </dd>
                </div>
                <div>
                  <dt className="text-xs text-slate-500">Last success</dt>
                  <dd className="font-medium text-slate-900">
                    {h.lastSuccessAt ? <Time value={h.lastSuccessAt} format="ago" now={now} /> : "Never"}
                  </dd>
                </div>
                <div>
                  <dt className="text-xs text-slate-500">Failed attempts in a row</dt>
                  <dd
                    className={cn(
                      "flex items-center gap-1 font-medium tabular-nums",
                      failing ? "text-red-700" : "text-slate-900",
                    )}
                  >
                    {failing ? <TriangleAlert aria-hidden className="size-3.5" /> : null}
                    {h.consecutiveFailures}
                  </dd>
                  {failing ? (
                    <dd className="text-xs text-red-700">
                      <FailingSince health={h} now={now} />
                    </dd>
                  ) : null}
                </div>
                <div>
                  <dt className="text-xs text-slate-500">Pending</dt>
                  <dd className="font-medium text-slate-900 tabular-nums">{h.pending}</dd>
                </div>
              </dl>
              {h.lastFailure && failing ? (
                <p className="border-t border-slate-100 px-5 py-2 text-xs text-red-800">
                  Last failure: {responseSummary(h.lastFailure.statusCode, h.lastFailure.error)}
                </p>
              ) : null}
              <div className="flex flex-wrap items-center justify-between gap-2 border-t border-slate-100 px-5 py-3">
                <p className="text-xs text-slate-500">
                  {i.eventTypes.length === 5
                    ? "All events"
                    : i.eventTypes.map((t) => EVENT_TYPE_LABELS[t]).join(", ")}
                </p>
                <div className="flex gap-2">
                  <Link
                    href={`/syncs?integration=${i.id}`}
                    className={buttonVariants({ variant: "ghost", size: "sm" })}
                    aria-label={`Syncs of ${i.name}`}
                  >
                    Deliveries
                  </Link>
                  <Link
                    href={`/integrations/${i.id}`}
                    className={buttonVariants({ variant: "secondary", size: "sm" })}
                    aria-label={`Manage ${i.name}`}
                  >
                    Manage
                  </Link>
                </div>
              </div>
            </article>
          </li>
        );
      })}
    </ul>
  );
}
