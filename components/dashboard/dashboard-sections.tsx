import { ArrowRight, CircleCheck, Clock, TriangleAlert } from "lucide-react";
import Link from "next/link";
import { EVENT_TYPE_LABELS } from "@/components/syncs/labels";
import { Badge } from "@/components/ui/badge";
import { buttonVariants } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import { plural } from "@/lib/text";
import { zoneLabel } from "@/lib/time";
import { cn } from "@/lib/utils";
import type { HourBucket, IntegrationStats, OldestPending, RecentFailure } from "@/server/syncs/dashboard";
import { formatAge, formatMs, formatPercent, responseSummary } from "../syncs/format";
import { DeliveriesChart } from "./deliveries-chart";

function Tile({
  label,
  value,
  detail,
  tone = "neutral",
}: {
  label: string;
  value: React.ReactNode;
  detail?: React.ReactNode;
  tone?: "neutral" | "good" | "warn" | "bad";
}) {
  return (
    <div className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd
        className={cn(
          "mt-1 text-2xl font-semibold tracking-tight tabular-nums",
          tone === "good" && "text-emerald-700",
          tone === "warn" && "text-amber-700",
          tone === "bad" && "text-red-700",
          tone === "neutral" && "text-slate-900",
        )}
      >
        {value}
      </dd>
      {detail ? <dd className="mt-0.5 text-xs text-slate-500">{detail}</dd> : null}
    </div>
  );
}

/** Headline numbers and the per-hour chart (the page loads the data: app/(app)/_sections.tsx). */
export function DeliveryOverview({
  hours,
  stats,
  oldest,
  zone,
}: {
  hours: HourBucket[];
  stats: IntegrationStats[];
  oldest: OldestPending | null;
  /** The user's zone (the chart's hours are read in it). */
  zone: string;
}) {
  const total = hours.reduce((n, h) => n + h.synced + h.failed + h.pending, 0);
  const synced = hours.reduce((n, h) => n + h.synced, 0);
  const failed = hours.reduce((n, h) => n + h.failed, 0);
  const rate = synced + failed ? synced / (synced + failed) : null;
  const ageMinutes = oldest ? oldest.ageMs / 60_000 : 0;
  return (
    <>
      <dl className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <Tile
          label="Syncs (24 h)"
          value={total.toLocaleString("en")}
          detail={plural(stats.length, "integration")}
        />
        <Tile
          label="Success rate (24 h)"
          value={formatPercent(rate)}
          tone={rate === null ? "neutral" : rate >= 0.99 ? "good" : rate >= 0.9 ? "warn" : "bad"}
          detail={`${synced} synced · ${failed} failed`}
        />
        <Tile label="Failed (24 h)" value={failed} tone={failed ? "bad" : "good"} />
        <Tile
          label="Oldest pending"
          value={oldest ? formatAge(oldest.ageMs) : "None"}
          tone={!oldest ? "good" : ageMinutes > 30 ? "bad" : ageMinutes > 5 ? "warn" : "neutral"}
          detail={
            oldest ? (
              <Link href={`/syncs/${oldest.syncId}`} className="text-indigo-700 hover:underline">
                {oldest.reference} → {oldest.integrationName} · {oldest.pendingCount} pending
              </Link>
            ) : (
              "Everything delivered"
            )
          }
        />
      </dl>
      <div className="mt-6 grid grid-cols-1 items-start gap-6 xl:grid-cols-[minmax(0,1.4fr)_minmax(0,1fr)]">
        <Card>
          <CardHeader>
            <div>
              <CardTitle>Syncs per hour</CardTitle>
              <CardDescription>
                Last 24 hours, by status; hours in {zoneLabel(hours.at(-1)?.hour ?? new Date(), zone)}.
              </CardDescription>
            </div>
          </CardHeader>
          <CardContent>
            <DeliveriesChart hours={hours} zone={zone} />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <div>
              <CardTitle>Integrations</CardTitle>
              <CardDescription>Success rate and p95 latency over 24 hours.</CardDescription>
            </div>
          </CardHeader>
          <CardContent className="p-0">
            {stats.length === 0 ? (
              <p className="px-5 py-8 text-center text-sm text-slate-500">No integrations yet.</p>
            ) : (
              // Fixed columns: a long integration name truncates instead of pushing the numbers off a phone.
              <Table aria-label="Integrations over 24 hours" className="table-fixed">
                <TableHeader>
                  <TableRow className="hover:bg-transparent">
                    <TableHead>Integration</TableHead>
                    <TableHead className="w-16 text-right sm:w-24">Syncs</TableHead>
                    <TableHead className="w-[5.5rem] text-right sm:w-28">Success</TableHead>
                    <TableHead className="w-[4.5rem] text-right sm:w-24">p95</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {stats.map((s) => (
                    <TableRow key={s.integrationId}>
                      <TableCell>
                        <span className="flex min-w-0 items-center gap-2">
                          <span className="truncate font-medium" title={s.name}>
                            {s.name}
                          </span>
                          {!s.active ? (
                            <Badge tone="amber" className="shrink-0">
                              Paused
                            </Badge>
                          ) : null}
                        </span>
                      </TableCell>
                      <TableCell className="text-right tabular-nums">{s.total}</TableCell>
                      <TableCell
                        className={cn(
                          "text-right font-medium tabular-nums",
                          s.successRate === null
                            ? "text-slate-500"
                            : s.successRate >= 0.99
                              ? "text-emerald-700"
                              : s.successRate >= 0.9
                                ? "text-amber-700"
                                : "text-red-700",
                        )}
                      >
                        {formatPercent(s.successRate)}
                      </TableCell>
                      <TableCell className="text-right whitespace-nowrap tabular-nums">
                        {formatMs(s.p95LatencyMs)}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </CardContent>
        </Card>
      </div>
    </>
  );
}

export function RecentFailures({
  failures,
  showExplorer,
}: {
  failures: RecentFailure[];
  showExplorer: boolean;
}) {
  return (
    <Card>
      <CardHeader className="items-center">
        <div>
          <CardTitle>Recent failures</CardTitle>
          <CardDescription>Syncs that gave up after their retries, newest first.</CardDescription>
        </div>
        {showExplorer ? (
          <Link href="/syncs?status=failed" className={buttonVariants({ variant: "link", size: "sm" })}>
            All failures
            <ArrowRight aria-hidden="true" />
          </Link>
        ) : null}
      </CardHeader>
      <CardContent className="p-0">
        {failures.length === 0 ? (
          <p className="flex items-center justify-center gap-2 px-5 py-8 text-sm text-slate-600">
            <CircleCheck aria-hidden className="size-4 text-emerald-600" />
            No failed deliveries.
          </p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {failures.map((f) => (
              <li key={f.syncId} className="flex flex-wrap items-start gap-x-4 gap-y-1 px-5 py-3 text-sm">
                <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0 text-red-600" />
                <div className="min-w-0 flex-1">
                  <p className="flex flex-wrap items-baseline gap-x-2">
                    <Link href={`/syncs/${f.syncId}`} className="font-medium text-slate-900 hover:underline">
                      {EVENT_TYPE_LABELS[f.eventType]} → {f.integrationName}
                    </Link>
                    <Link
                      href={`/work-items/${f.workItemId}`}
                      className="font-mono text-[13px] text-indigo-700 hover:underline"
                    >
                      {f.reference}
                    </Link>
                  </p>
                  <p className="truncate text-xs text-red-800">
                    {responseSummary(f.lastStatusCode, f.lastError)} · {plural(f.attemptCount, "attempt")}
                  </p>
                </div>
                <span className="text-xs text-slate-500">
                  <Clock aria-hidden className="mr-1 inline size-3" />
                  <Time value={f.failedAt} format="ago" />
                </span>
              </li>
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}

export function OverviewSkeleton() {
  return (
    <div role="status" aria-busy="true" aria-label="Loading delivery statistics">
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        {[0, 1, 2, 3].map((i) => (
          <div key={i} className="h-24 animate-pulse rounded-xl border border-slate-200 bg-white" />
        ))}
      </div>
      <div className="mt-6 grid grid-cols-1 gap-6 xl:grid-cols-[minmax(0,1.4fr)_minmax(0,1fr)]">
        <div className="h-80 animate-pulse rounded-xl border border-slate-200 bg-white" />
        <div className="h-80 animate-pulse rounded-xl border border-slate-200 bg-white" />
      </div>
    </div>
  );
}

export function ListSkeleton({ label }: { label: string }) {
  return (
    <div
      role="status"
      aria-busy="true"
      aria-label={label}
      className="h-56 animate-pulse rounded-xl border border-slate-200 bg-white"
    />
  );
}
