"use client";

import { Filter, X } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import type * as React from "react";
import { useId, useRef, useTransition } from "react";
import { Button, buttonVariants } from "@/components/ui/button";
import { DataTable } from "@/components/ui/data-table";
import { ListEmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { useTimeZone } from "@/components/ui/time";
import { CHANGE_EVENT_TYPES, SYNC_STATUSES } from "@/db/schema";
import { nonEmptyParams } from "@/lib/search-params";
import { formatDate, wallClockToInstant, zoneLabel } from "@/lib/time";
import { cn } from "@/lib/utils";
import type { ExplorerRow, ObjectCountRow } from "@/server/syncs/explorer";
import {
  EXPLORER_PAGE_SIZES,
  type ExplorerParams,
  type ExplorerSortKey,
  explorerQuery,
  hasExplorerFilters,
  parseExplorerParams,
} from "@/server/syncs/explorer-params";
import {
  explorerColumnClassNames,
  explorerColumns,
  objectColumnClassNames,
  objectColumns,
} from "./explorer-columns";
import { EVENT_TYPE_LABELS, SYNC_STATUS_LABELS } from "./labels";
import { ObjectCountCard, SyncCard } from "./sync-cards";

const PATH = "/syncs";

type Props = {
  params: ExplorerParams;
  integrations: { id: number; name: string }[];
} & (
  | { view: "syncs"; rows: ExplorerRow[]; total: number; totalCapped: boolean }
  | { view: "objects"; rows: ObjectCountRow[]; total: number; totalCapped: boolean }
);

/**
 * A date field's day in the page's words ("4 Dec 2026, from 00:00 CET"): the field itself is drawn in
 * the browser's locale, which may not be the page's.
 */
function dayWords(day: string, zone: string, bound: string): string | null {
  const start = wallClockToInstant(day, zone);
  return start ? `${formatDate(start, zone)}, ${bound} ${zoneLabel(start, zone)}` : null;
}

/** A date filter: a day in the viewer's zone, the zone named, and the chosen day echoed in words. */
function DayField({
  id,
  name,
  label,
  day,
  zone,
  bound,
}: {
  id: string;
  name: "from" | "to";
  label: string;
  day: string | null;
  zone: string;
  bound: string;
}) {
  return (
    <div className="space-y-1.5">
      <Label htmlFor={id}>
        {label} <span className="font-normal text-slate-500">({zoneLabel(new Date(), zone)})</span>
      </Label>
      <Input
        id={id}
        name={name}
        type="date"
        defaultValue={day ?? ""}
        title={`Days from midnight to midnight in ${zone}`}
        aria-describedby={day ? `${id}-day` : undefined}
      />
      {day ? (
        <p id={`${id}-day`} className="text-xs text-slate-500">
          {dayWords(day, zone, bound)}
        </p>
      ) : null}
    </div>
  );
}

/** The sync explorer: filters in a GET form (so the URL holds them), sorting and paging in the URL too. */
export function SyncExplorer(props: Props) {
  const { params, integrations } = props;
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const formRef = useRef<HTMLFormElement>(null);
  const ids = {
    object: useId(),
    integration: useId(),
    event: useId(),
    from: useId(),
    to: useId(),
    pageSize: useId(),
  };
  const zone = useTimeZone();
  // Days start at midnight in the user's zone (server/syncs/explorer.ts reads them so).
  const filtered = hasExplorerFilters(params);
  const go = (next: Partial<ExplorerParams>) =>
    startTransition(() => router.push(`${PATH}${explorerQuery({ ...params, ...next })}`));
  const submit = () => formRef.current?.requestSubmit();
  // Without JavaScript the form GETs the page; with it, the URL carries only the filters that are set.
  const onSubmit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const fields = nonEmptyParams(new FormData(event.currentTarget));
    startTransition(() =>
      router.push(`${PATH}${explorerQuery({ ...parseExplorerParams(fields), page: 1 })}`),
    );
  };
  const clearHref = `${PATH}${explorerQuery({ view: params.view })}`;

  const pagination = {
    page: params.page,
    pageSize: params.pageSize,
    total: props.total,
    hrefForPage: (page: number) => `${PATH}${explorerQuery({ ...params, page })}`,
    controls: (
      <div className="flex items-center gap-2">
        <Label htmlFor={ids.pageSize} className="font-normal text-slate-600">
          Rows per page
        </Label>
        <Select
          id={ids.pageSize}
          value={String(params.pageSize)}
          onChange={(e) => go({ pageSize: Number(e.target.value), page: 1 })}
          className="w-20"
        >
          {EXPLORER_PAGE_SIZES.map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
        </Select>
      </div>
    ),
  };

  const empty = (
    <ListEmptyState
      total={props.total}
      filtered={filtered}
      page={params.page}
      pageSize={params.pageSize}
      hrefForPage={pagination.hrefForPage}
      rowsNoun={`${filtered ? "matching " : ""}${props.view === "syncs" ? "syncs" : "work items with syncs"}`}
      clearHref={clearHref}
      noMatch={{
        title: "No syncs match",
        description: "Try another work item, a wider date range or fewer filters.",
      }}
      nothingYet={{
        title: "No syncs yet",
        description: "Every change sent to an integration shows up here.",
      }}
    />
  );

  return (
    <div className="space-y-4">
      <nav aria-label="Explorer views" className="flex gap-1 rounded-lg bg-slate-100 p-1 text-sm sm:w-fit">
        {(
          [
            ["syncs", "All syncs"],
            ["objects", "By work item"],
          ] as const
        ).map(([view, label]) => (
          <Link
            key={view}
            href={`${PATH}${explorerQuery({ ...params, view, page: 1, sort: "created", dir: "desc" })}`}
            aria-current={params.view === view ? "page" : undefined}
            className={cn(
              "flex-1 rounded-md px-3 py-1.5 text-center font-medium whitespace-nowrap sm:flex-none",
              params.view === view
                ? "bg-white text-slate-900 shadow-sm"
                : "text-slate-600 hover:text-slate-900",
            )}
          >
            {label}
          </Link>
        ))}
      </nav>

      <search aria-label="Filter syncs">
        <form
          ref={formRef}
          action={PATH}
          method="get"
          onSubmit={onSubmit}
          className="space-y-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
        >
          {params.view !== "syncs" ? <input type="hidden" name="view" value={params.view} /> : null}
          <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-[minmax(0,1.3fr)_minmax(0,1fr)_minmax(0,1fr)_9.5rem_9.5rem]">
            <div className="col-span-2 space-y-1.5 md:col-span-1">
              <Label htmlFor={ids.object}>Work item or object</Label>
              <Input
                id={ids.object}
                name="object"
                type="search"
                defaultValue={params.object}
                placeholder="RMA-000123, task:45"
                aria-describedby={`${ids.object}-hint`}
              />
              <p id={`${ids.object}-hint`} className="sr-only">
                A work item reference such as RMA-000123, or an object such as task:45 or workitem:12.
              </p>
            </div>
            <div className="space-y-1.5">
              <Label htmlFor={ids.integration}>Integration</Label>
              <Select
                id={ids.integration}
                name="integration"
                defaultValue={params.integrationId ?? ""}
                onChange={submit}
              >
                <option value="">All integrations</option>
                {integrations.map((i) => (
                  <option key={i.id} value={i.id}>
                    {i.name}
                  </option>
                ))}
              </Select>
            </div>
            <div className="space-y-1.5">
              <Label htmlFor={ids.event}>Event type</Label>
              <Select id={ids.event} name="event" defaultValue={params.eventType ?? ""} onChange={submit}>
                <option value="">All events</option>
                {CHANGE_EVENT_TYPES.map((t) => (
                  <option key={t} value={t}>
                    {EVENT_TYPE_LABELS[t]}
                  </option>
                ))}
              </Select>
            </div>
            <DayField
              id={ids.from}
              name="from"
              label="From"
              day={params.from}
              zone={zone}
              bound="from 00:00"
            />
            <DayField id={ids.to} name="to" label="To" day={params.to} zone={zone} bound="until 24:00" />
          </div>
          <div className="flex flex-wrap items-center gap-2">
            <fieldset className="flex flex-wrap items-center gap-2">
              <legend className="sr-only">Status</legend>
              <span aria-hidden="true" className="mr-1 text-sm font-medium text-slate-700">
                Status
              </span>
              {SYNC_STATUSES.map((status) => (
                <label
                  key={status}
                  className="inline-flex cursor-pointer items-center gap-1.5 rounded-full border border-slate-300 bg-white px-2.5 py-1 text-sm text-slate-700 select-none hover:bg-slate-50 has-checked:border-indigo-600 has-checked:bg-indigo-50 has-checked:text-indigo-900 has-focus-visible:outline-2 has-focus-visible:outline-indigo-600"
                >
                  <input
                    type="checkbox"
                    name="status"
                    value={status}
                    defaultChecked={params.status.includes(status)}
                    onChange={submit}
                    className="sr-only"
                  />
                  {SYNC_STATUS_LABELS[status]}
                </label>
              ))}
            </fieldset>
            <div className="ml-auto flex items-center gap-2">
              {filtered ? (
                <Link href={clearHref} className={buttonVariants({ variant: "ghost", size: "sm" })}>
                  <X aria-hidden="true" />
                  Clear filters
                </Link>
              ) : null}
              <Button type="submit" size="sm">
                <Filter aria-hidden="true" />
                Apply filters
              </Button>
            </div>
          </div>
          {params.sort !== "created" || params.dir !== "desc" ? (
            <>
              <input type="hidden" name="sort" value={params.sort} />
              <input type="hidden" name="dir" value={params.dir} />
            </>
          ) : null}
          {params.pageSize !== 25 ? <input type="hidden" name="pageSize" value={params.pageSize} /> : null}
        </form>
      </search>

      {props.totalCapped ? (
        <p className="text-sm text-slate-600">
          More than {props.total.toLocaleString("en")} syncs match; narrow the filters to page through all of
          them.
        </p>
      ) : null}

      <div className={cn("transition-opacity", pending && "opacity-60")} aria-busy={pending}>
        {props.view === "syncs" ? (
          <DataTable
            aria-label="Syncs"
            columns={explorerColumns}
            data={props.rows}
            getRowId={(row) => String(row.id)}
            sorting={[{ id: params.sort, desc: params.dir === "desc" }]}
            onSortingChange={(sorting) => {
              const [first] = sorting;
              if (!first) return;
              go({ sort: first.id as ExplorerSortKey, dir: first.desc ? "desc" : "asc", page: 1 });
            }}
            columnClassNames={explorerColumnClassNames}
            renderCard={(sync) => <SyncCard sync={sync} />}
            pagination={pagination}
            empty={empty}
          />
        ) : (
          <DataTable
            aria-label="Syncs by work item"
            columns={objectColumns}
            data={props.rows}
            getRowId={(row) => String(row.workItemId)}
            sorting={[{ id: "total", desc: params.dir === "desc" }]}
            onSortingChange={(sorting) => {
              const [first] = sorting;
              if (!first) return;
              go({ dir: first.desc ? "desc" : "asc", page: 1 });
            }}
            columnClassNames={objectColumnClassNames}
            renderCard={(row) => <ObjectCountCard row={row} />}
            pagination={pagination}
            empty={empty}
          />
        )}
      </div>
    </div>
  );
}
