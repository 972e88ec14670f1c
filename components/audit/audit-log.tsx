"use client";

import { Filter, X } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import type * as React from "react";
import { useId, useRef, useTransition } from "react";
import { Badge } from "@/components/ui/badge";
import { Button, buttonVariants } from "@/components/ui/button";
import { createDataTableColumnHelper, DataTable, type DataTableColumn } from "@/components/ui/data-table";
import { ListEmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { useTimeZone } from "@/components/ui/time";
import { AUDIT_ACTIONS, AUDIT_TARGET_TYPES } from "@/db/schema";
import { nonEmptyParams } from "@/lib/search-params";
import { formatClock, formatDate, timeTitle, zoneLabel } from "@/lib/time";
import type { AuditRow } from "@/server/audit/audit";
import {
  AUDIT_PAGE_SIZE,
  type AuditParams,
  auditQuery,
  hasAuditFilters,
  parseAuditParams,
} from "@/server/audit/params";
import { AuditCard } from "./audit-card";
import { AUDIT_ACTION_LABELS, AUDIT_TARGET_LABELS, auditDetails } from "./labels";

const PATH = "/admin/audit";

/** Where an entry's target lives, while it exists. */
function targetHref(row: AuditRow): string | null {
  if (!row.targetId) return null;
  if (row.targetType === "sync") return `/syncs/${row.targetId}`;
  if (row.targetType === "integration") return `/integrations/${row.targetId}`;
  return "/admin/users";
}

const helper = createDataTableColumnHelper<AuditRow>();

const columns: DataTableColumn<AuditRow>[] = helper.columns([
  helper.accessor("at", {
    id: "at",
    header: "When",
    enableSorting: false,
    cell: (info) => <When at={info.getValue()} />,
  }),
  helper.accessor("actorName", {
    id: "actor",
    header: "Who",
    enableSorting: false,
    cell: (info) => (
      <span className={info.row.original.actorId ? "whitespace-nowrap" : "whitespace-nowrap text-slate-500"}>
        {info.getValue()}
      </span>
    ),
  }),
  helper.accessor("action", {
    id: "action",
    header: "Action",
    enableSorting: false,
    cell: (info) => (
      <span className="whitespace-nowrap">{AUDIT_ACTION_LABELS[info.row.original.action]}</span>
    ),
  }),
  helper.accessor("targetLabel", {
    id: "target",
    header: "Target",
    enableSorting: false,
    cell: (info) => {
      const r = info.row.original;
      const href = targetHref(r);
      return (
        <div className="min-w-36">
          {href ? (
            <Link href={href} className="break-words text-indigo-700 hover:text-indigo-900 hover:underline">
              {info.getValue()}
            </Link>
          ) : (
            <span className="break-words">{info.getValue()}</span>
          )}
          {/* The action and the person, where their own columns do not fit. */}
          <p className="text-xs text-slate-500 md:hidden">
            {AUDIT_ACTION_LABELS[r.action]} · {r.actorName}
          </p>
        </div>
      );
    },
  }),
  helper.accessor("outcome", {
    id: "outcome",
    header: "Outcome",
    enableSorting: false,
    cell: (info) => <Outcome row={info.row.original} />,
  }),
]);

function When({ at }: { at: string }) {
  const zone = useTimeZone();
  return (
    <time dateTime={at} title={timeTitle(at, zone)} className="tabular-nums">
      <span className="block whitespace-nowrap">{formatDate(at, zone)}</span>
      <span className="block text-xs whitespace-nowrap text-slate-500">
        {formatClock(at, zone, { seconds: true })} {zoneLabel(at, zone)}
      </span>
    </time>
  );
}

function Outcome({ row: r }: { row: AuditRow }) {
  const details = auditDetails(r.details, useTimeZone());
  return (
    <div className="min-w-32 space-y-1 md:min-w-48">
      {r.outcome === "succeeded" ? <Badge tone="green">Done</Badge> : <Badge tone="red">Refused</Badge>}
      {r.message ? <p className="text-xs text-slate-700">{r.message}</p> : null}
      {details.length ? (
        <dl className="text-xs text-slate-500">
          {details.map((d) => (
            <div key={d.label} className="flex gap-1">
              <dt className="shrink-0">{d.label}:</dt>
              <dd className="break-words text-slate-700">{d.value}</dd>
            </div>
          ))}
        </dl>
      ) : null}
    </div>
  );
}

const columnClassNames = { actor: "hidden md:table-cell", action: "hidden md:table-cell" };

type Props = {
  params: AuditParams;
  rows: AuditRow[];
  total: number;
  actors: { id: string; name: string }[];
};

/** The audit log: filters in a GET form (the URL holds them), newest first, fifty a page. */
export function AuditLog({ params, rows, total, actors }: Props) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const formRef = useRef<HTMLFormElement>(null);
  const submit = () => formRef.current?.requestSubmit();
  // Without JavaScript the form GETs the page; with it, the URL carries only the filters that are set.
  const onSubmit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const fields = nonEmptyParams(new FormData(event.currentTarget));
    startTransition(() => router.push(`${PATH}${auditQuery({ ...parseAuditParams(fields), page: 1 })}`));
  };
  const ids = { action: useId(), actor: useId(), type: useId(), target: useId(), from: useId(), to: useId() };
  const filtered = hasAuditFilters(params);

  return (
    <div className="space-y-4">
      <search aria-label="Filter the audit log">
        <form
          ref={formRef}
          action={PATH}
          method="get"
          onSubmit={onSubmit}
          className="space-y-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
        >
          <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_minmax(0,0.8fr)_minmax(0,1.2fr)_9.5rem_9.5rem]">
            <div className="space-y-1.5">
              <Label htmlFor={ids.action}>Action</Label>
              <Select id={ids.action} name="action" defaultValue={params.action ?? ""} onChange={submit}>
                <option value="">All actions</option>
                {AUDIT_ACTIONS.map((a) => (
                  <option key={a} value={a}>
                    {AUDIT_ACTION_LABELS[a]}
                  </option>
                ))}
              </Select>
            </div>
            <div className="space-y-1.5">
              <Label htmlFor={ids.actor}>Who</Label>
              <Select id={ids.actor} name="actor" defaultValue={params.actor ?? ""} onChange={submit}>
                <option value="">Everyone</option>
                {actors.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
              </Select>
            </div>
            <div className="col-span-2 space-y-1.5 md:col-span-1">
              <Label htmlFor={ids.type}>Target type</Label>
              <Select id={ids.type} name="type" defaultValue={params.targetType ?? ""} onChange={submit}>
                <option value="">Any</option>
                {AUDIT_TARGET_TYPES.map((t) => (
                  <option key={t} value={t}>
                    {AUDIT_TARGET_LABELS[t]}
                  </option>
                ))}
              </Select>
            </div>
            <div className="col-span-2 space-y-1.5 md:col-span-1">
              <Label htmlFor={ids.target}>Target</Label>
              <Input
                id={ids.target}
                name="target"
                type="search"
                defaultValue={params.target}
                placeholder="n8n, RMA-000123, an e-mail"
              />
            </div>
            <div className="space-y-1.5">
              <Label htmlFor={ids.from}>From</Label>
              <Input id={ids.from} name="from" type="date" defaultValue={params.from ?? ""} />
            </div>
            <div className="space-y-1.5">
              <Label htmlFor={ids.to}>To</Label>
              <Input id={ids.to} name="to" type="date" defaultValue={params.to ?? ""} />
            </div>
          </div>
          <div className="flex flex-wrap items-center justify-end gap-2">
            {filtered ? (
              <Link href={PATH} className={buttonVariants({ variant: "ghost", size: "sm" })}>
                <X aria-hidden="true" />
                Clear filters
              </Link>
            ) : null}
            <Button type="submit" size="sm">
              <Filter aria-hidden="true" />
              Apply filters
            </Button>
          </div>
        </form>
      </search>

      <div className={pending ? "opacity-60 transition-opacity" : "transition-opacity"} aria-busy={pending}>
        <DataTable
          aria-label="Audit log"
          columns={columns}
          data={rows}
          getRowId={(row) => String(row.id)}
          columnClassNames={columnClassNames}
          renderCard={(row) => <AuditCard row={row} href={targetHref(row)} />}
          pagination={{
            page: params.page,
            pageSize: AUDIT_PAGE_SIZE,
            total,
            hrefForPage: (page) => `${PATH}${auditQuery({ ...params, page })}`,
          }}
          empty={
            <ListEmptyState
              total={total}
              filtered={filtered}
              page={params.page}
              pageSize={AUDIT_PAGE_SIZE}
              hrefForPage={(page) => `${PATH}${auditQuery({ ...params, page })}`}
              rowsNoun={filtered ? "matching entries" : "entries"}
              clearHref={PATH}
              noMatch={{
                title: "No entries match",
                description: "Try another action or person, or a wider date range.",
              }}
              nothingYet={{
                title: "Nothing recorded yet",
                description: "Resends, recoveries and every change to integrations and users show up here.",
              }}
            />
          }
        />
      </div>
    </div>
  );
}
