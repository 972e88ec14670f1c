"use client";

import {
  ChevronRight,
  CirclePause,
  ClipboardList,
  Download,
  History,
  ListChecks,
  LoaderCircle,
  Wrench,
} from "lucide-react";
import Link from "next/link";
import { useCallback, useEffect, useId, useRef, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button, buttonVariants } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Time, useTimeZone } from "@/components/ui/time";
import { formatDateTime } from "@/lib/time";
import { cn } from "@/lib/utils";
import type { SyncDetail, TimelineEntry, TimelinePage, TimelineSync } from "@/server/syncs/timeline";
import { AttemptsList, PayloadView } from "./attempts-list";
import { describeChanges } from "./change-words";
import { formatMs } from "./format";
import { EVENT_TYPE_LABELS } from "./labels";
import { type ResendAction, ResendButton } from "./resend-button";
import { SyncStatusBadge } from "./sync-status-badge";

/** How often the timeline refreshes itself while a delivery is pending. */
const POLL_MS = 1_500;
/** After this long without settling, poll less often (an integration may be paused for hours). */
const SLOW_AFTER_MS = 2 * 60_000;
const SLOW_POLL_MS = 6_000;

type Props = {
  workItemId: number;
  initial: TimelinePage;
  /** The resend server action, given only to users who may resend (managers); no Resend button without it. */
  resendAction?: ResendAction;
};

type State = { entries: TimelineEntry[]; nextCursor: string | null; userNames: Record<string, string> };

function eventCount(entries: TimelineEntry[]) {
  return entries.reduce((n, e) => n + e.changeEventIds.length, 0);
}

/**
 * The sync timeline of one work item. It refreshes itself (a small JSON route) every 1.5 s while any
 * delivery it shows is pending and stops once everything settled; a resend starts it again.
 */
export function SyncTimelineClient({ workItemId, initial, resendAction }: Props) {
  const [state, setState] = useState<State>(initial);
  const [pending, setPending] = useState(initial.pending);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const shown = useRef(eventCount(initial.entries));
  const pendingSince = useRef<number | null>(initial.pending ? Date.now() : null);
  const headingId = useId();

  // A server re-render (e.g. after this page's own save) brings a fresh first page.
  useEffect(() => {
    setState((s) => {
      const older = s.entries.filter((e) => !initial.entries.some((i) => i.key === e.key));
      const oldestInitial = initial.entries.at(-1)?.createdAt ?? "";
      const keep = older.filter((e) => e.createdAt < oldestInitial);
      const entries = [...initial.entries, ...keep];
      shown.current = eventCount(entries);
      return {
        entries,
        nextCursor: keep.length ? s.nextCursor : initial.nextCursor,
        userNames: { ...s.userNames, ...initial.userNames },
      };
    });
    if (initial.pending) {
      setPending(true);
      pendingSince.current ??= Date.now();
    }
  }, [initial]);

  const refresh = useCallback(async () => {
    const limit = Math.max(20, Math.min(200, shown.current));
    const response = await fetch(`/api/work-items/${workItemId}/timeline?limit=${limit}`, {
      cache: "no-store",
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const page = (await response.json()) as TimelinePage;
    shown.current = eventCount(page.entries);
    setState({ entries: page.entries, nextCursor: page.nextCursor, userNames: page.userNames });
    setPending(page.pending);
    if (!page.pending) pendingSince.current = null;
    setError(null);
  }, [workItemId]);

  useEffect(() => {
    if (!pending) return;
    pendingSince.current ??= Date.now();
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const schedule = () => {
      const slow = pendingSince.current !== null && Date.now() - pendingSince.current > SLOW_AFTER_MS;
      timer = setTimeout(tick, slow ? SLOW_POLL_MS : POLL_MS);
    };
    const tick = async () => {
      try {
        await refresh();
      } catch {
        if (!stopped) setError("Could not refresh the timeline; retrying…");
      }
      if (!stopped) schedule();
    };
    schedule();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [pending, refresh]);

  const onResent = useCallback(() => {
    pendingSince.current = Date.now();
    setPending(true);
    void refresh().catch(() => {});
  }, [refresh]);

  async function loadOlder() {
    if (!state.nextCursor) return;
    setLoadingOlder(true);
    try {
      const response = await fetch(
        `/api/work-items/${workItemId}/timeline?before=${encodeURIComponent(state.nextCursor)}`,
        { cache: "no-store" },
      );
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const page = (await response.json()) as TimelinePage;
      setState((s) => {
        const seen = new Set(s.entries.map((e) => e.key));
        const entries = [...s.entries, ...page.entries.filter((e) => !seen.has(e.key))];
        shown.current = eventCount(entries);
        return { entries, nextCursor: page.nextCursor, userNames: { ...s.userNames, ...page.userNames } };
      });
      if (page.pending) setPending(true);
      setError(null);
    } catch {
      setError("Could not load older changes. Try again.");
    } finally {
      setLoadingOlder(false);
    }
  }

  return (
    <section
      aria-labelledby={headingId}
      className="rounded-xl border border-slate-200 bg-white shadow-sm"
      aria-busy={pending || undefined}
    >
      <div className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-100 px-5 py-4">
        <div>
          <h2 id={headingId} className="text-base font-semibold text-slate-900">
            Sync timeline
          </h2>
          <p className="mt-0.5 text-sm text-slate-600">
            Every change and what each integration answered, newest first.
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
          <p aria-live="polite" className="flex items-center gap-1.5 text-sm text-slate-600">
            {pending ? (
              <>
                <LoaderCircle
                  aria-hidden
                  className="size-4 animate-spin text-amber-600 motion-reduce:animate-none"
                />
                Deliveries pending — updating live
              </>
            ) : state.entries.length ? (
              "All syncs settled"
            ) : null}
          </p>
          {state.entries.length ? (
            <div className="flex items-center gap-1">
              {(["csv", "json"] as const).map((format) => (
                <a
                  key={format}
                  href={`/api/work-items/${workItemId}/timeline?format=${format}`}
                  download
                  className={buttonVariants({ variant: "ghost", size: "sm" })}
                  aria-label={`Download the whole timeline as ${format.toUpperCase()}`}
                >
                  <Download aria-hidden />
                  {format.toUpperCase()}
                </a>
              ))}
            </div>
          ) : null}
        </div>
      </div>
      {error ? (
        <p role="alert" className="border-b border-red-100 bg-red-50 px-5 py-2 text-sm text-red-800">
          {error}
        </p>
      ) : null}
      {state.entries.length === 0 ? (
        <EmptyState
          icon={<History />}
          title="No changes recorded yet"
          description="Changes to this work item and its tasks show up here with their syncs."
        />
      ) : (
        <ol className="divide-y divide-slate-100">
          {state.entries.map((entry) => (
            <TimelineItem
              key={entry.key}
              entry={entry}
              userNames={state.userNames}
              resendAction={resendAction}
              onResent={onResent}
            />
          ))}
        </ol>
      )}
      {state.nextCursor ? (
        <div className="border-t border-slate-100 px-5 py-3 text-center">
          <Button variant="secondary" onClick={loadOlder} disabled={loadingOlder}>
            {loadingOlder ? <LoaderCircle aria-hidden className="animate-spin" /> : null}
            {loadingOlder ? "Loading…" : "Load older changes"}
          </Button>
        </div>
      ) : null}
    </section>
  );
}

function headline(entry: TimelineEntry): string {
  const who = entry.actorName ?? "The system";
  const task = entry.subjectTitle ? `task “${entry.subjectTitle}”` : "a task";
  if (entry.eventTypes.includes("workitem_created")) return `${who} created the work item`;
  if (entry.eventTypes.includes("task_created")) return `${who} added ${task}`;
  if (entry.subjectType === "task") return `${who} updated ${task}`;
  if (entry.eventTypes.includes("workitem_status_changed") && Object.keys(entry.changes).length === 1) {
    return `${who} changed the status`;
  }
  return `${who} updated the work item`;
}

function TimelineItem({
  entry,
  userNames,
  resendAction,
  onResent,
}: {
  entry: TimelineEntry;
  userNames: Record<string, string>;
  resendAction?: ResendAction;
  onResent: () => void;
}) {
  const lines = describeChanges(entry.changes, { userNames });
  const zone = useTimeZone();
  const Icon =
    entry.subjectType === "task"
      ? entry.eventTypes.includes("task_created")
        ? ClipboardList
        : ListChecks
      : Wrench;
  return (
    <li className="px-4 py-4 sm:px-5">
      <article aria-label={`${headline(entry)}, ${formatDateTime(entry.createdAt, zone)}`}>
        <div className="flex items-start gap-3">
          <span className="mt-0.5 inline-flex size-8 shrink-0 items-center justify-center rounded-full bg-slate-100 text-slate-600">
            <Icon aria-hidden className="size-4" />
          </span>
          <div className="min-w-0 flex-1 space-y-2">
            <div className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-0.5">
              <h3 className="text-sm font-medium text-slate-900">{headline(entry)}</h3>
              <span className="text-xs text-slate-500 tabular-nums">
                <Time value={entry.createdAt} /> · rev. {entry.revision}
              </span>
            </div>
            {lines.length ? (
              <ul className="space-y-0.5 text-sm text-slate-700">
                {lines.map((line) => (
                  <li key={line.field} className="break-words">
                    <span className="font-medium text-slate-900">{line.label}:</span>{" "}
                    <span className="text-slate-500">{line.from}</span> →{" "}
                    <span className="text-slate-900">{line.to}</span>
                  </li>
                ))}
              </ul>
            ) : null}
            {entry.syncs.length ? (
              <ul aria-label="Syncs" className="overflow-hidden rounded-lg border border-slate-200">
                {entry.syncs.map((sync) => (
                  <SyncRow
                    key={`${sync.integrationId}-${sync.eventType}-${sync.id ?? "waiting"}`}
                    sync={sync}
                    resendAction={resendAction}
                    onResent={onResent}
                  />
                ))}
              </ul>
            ) : (
              <p className="text-xs text-slate-500">No integration subscribed to this change.</p>
            )}
          </div>
        </div>
      </article>
    </li>
  );
}

function SyncRow({
  sync,
  resendAction,
  onResent,
}: {
  sync: TimelineSync;
  resendAction?: ResendAction;
  onResent: () => void;
}) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const time = sync.completedAt ?? sync.updatedAt;
  const summary = (
    <>
      <span className="flex min-w-0 items-center gap-2 sm:w-56 sm:shrink-0">
        <ChevronRight
          aria-hidden
          className={cn(
            "size-4 shrink-0 text-slate-400 transition-transform",
            open && "rotate-90",
            sync.id === null && "invisible",
          )}
        />
        <span className="min-w-0">
          <span className="block truncate font-medium text-slate-900">{sync.integrationName}</span>
          <span className="block truncate text-xs text-slate-500">{EVENT_TYPE_LABELS[sync.eventType]}</span>
        </span>
      </span>
      <span className="flex flex-1 flex-wrap items-center gap-x-4 gap-y-1 pl-6 text-xs text-slate-600 tabular-nums sm:pl-0">
        {sync.waitingFor ? <WaitingBadge /> : <SyncStatusBadge status={sync.status} />}
        <span className={cn(sync.waitingFor && "text-amber-800")}>
          {sync.waitingFor
            ? `Waiting: ${sync.waitingFor}`
            : sync.id === null
              ? "Waiting to be sent"
              : `${sync.attemptCount} attempt${sync.attemptCount === 1 ? "" : "s"}`}
        </span>
        <span>
          {sync.lastStatusCode !== null
            ? `HTTP ${sync.lastStatusCode}`
            : sync.lastError
              ? "No response"
              : "—"}
        </span>
        <span>{formatMs(sync.lastDurationMs)}</span>
        <Time value={time} format="short" className="sm:ml-auto" />
      </span>
    </>
  );
  return (
    <li className="border-b border-slate-100 bg-white last:border-b-0">
      {sync.id === null ? (
        <div className="flex flex-col gap-1 px-3 py-2 text-sm sm:flex-row sm:items-center sm:gap-3">
          {summary}
        </div>
      ) : (
        <button
          type="button"
          aria-expanded={open}
          aria-controls={panelId}
          onClick={() => setOpen((o) => !o)}
          className="flex w-full flex-col gap-1 px-3 py-2 text-left text-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600 sm:flex-row sm:items-center sm:gap-3"
        >
          {summary}
        </button>
      )}
      {open && sync.id !== null ? (
        <div id={panelId} className="border-t border-slate-100 bg-slate-50/70 px-3 py-3">
          <SyncRowDetails sync={sync} syncId={sync.id} resendAction={resendAction} onResent={onResent} />
        </div>
      ) : null}
    </li>
  );
}

/** A pending sync that is not being tried (its integration is paused): no spinner, it is not in progress. */
function WaitingBadge() {
  return (
    <Badge tone="amber">
      <CirclePause aria-hidden className="size-3" />
      Waiting
    </Badge>
  );
}

function SyncRowDetails({
  sync,
  syncId,
  resendAction,
  onResent,
}: {
  sync: TimelineSync;
  syncId: number;
  resendAction?: ResendAction;
  onResent: () => void;
}) {
  const [detail, setDetail] = useState<SyncDetail | null>(null);
  const [failed, setFailed] = useState(false);
  const version = `${sync.status}-${sync.attemptCount}-${sync.updatedAt}`;

  useEffect(() => {
    let cancelled = false;
    fetch(`/api/syncs/${syncId}?v=${encodeURIComponent(version)}`, { cache: "no-store" })
      .then((r) => (r.ok ? (r.json() as Promise<SyncDetail>) : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((d) => {
        if (!cancelled) {
          setDetail(d);
          setFailed(false);
        }
      })
      .catch(() => !cancelled && setFailed(true));
    return () => {
      cancelled = true;
    };
  }, [syncId, version]);

  if (failed && !detail) return <p className="text-sm text-red-800">Could not load this sync’s attempts.</p>;
  if (!detail) {
    return (
      <div role="status" className="space-y-2" aria-label="Loading attempts">
        <div className="h-4 w-1/3 animate-pulse rounded bg-slate-200" />
        <div className="h-16 animate-pulse rounded bg-slate-200" />
      </div>
    );
  }
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="font-mono text-xs break-all text-slate-600">webhook-id {detail.webhookId}</p>
        <div className="flex items-center gap-2">
          <Link href={`/syncs/${detail.id}`} className="text-sm font-medium text-indigo-700 hover:underline">
            Open delivery
          </Link>
          {resendAction && sync.status !== "pending" ? (
            <ResendButton action={resendAction} syncId={detail.id} onResent={onResent} />
          ) : null}
        </div>
      </div>
      {detail.lastError && detail.status === "failed" ? (
        <p className="text-sm text-red-800">
          <span className="font-medium">Last error:</span> {detail.lastError}
        </p>
      ) : null}
      <AttemptsList attempts={detail.attempts} />
      <details className="group">
        <summary className="cursor-pointer text-sm font-medium text-slate-700 hover:text-slate-900">
          Payload
        </summary>
        <div className="mt-2">
          <PayloadView payload={detail.payload} />
        </div>
      </details>
    </div>
  );
}
