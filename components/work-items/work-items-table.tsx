"use client";

import { Search, X } from "lucide-react";
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
import { WORK_ITEM_PRIORITIES, WORK_ITEM_STATUSES } from "@/db/schema";
import { nonEmptyParams } from "@/lib/search-params";
import { cn } from "@/lib/utils";
import {
  hasActiveFilters,
  hasChosenSort,
  PAGE_SIZES,
  parseWorkItemListParams,
  type WorkItemListParams,
  type WorkItemSortKey,
  workItemListQuery,
} from "@/server/work-items/list-params";
import { STATUS_DOTS } from "./badges";
import { type WorkItemListItem, workItemColumnClassNames, workItemColumns } from "./columns";
import { PRIORITY_LABELS, STATUS_LABELS } from "./labels";
import { WorkItemCard } from "./work-item-card";

type Props = {
  rows: WorkItemListItem[];
  total: number;
  params: WorkItemListParams;
  technicians: { id: string; name: string }[];
};

const PATH = "/work-items";

export function WorkItemsTable({ rows, total, params, technicians }: Props) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const formRef = useRef<HTMLFormElement>(null);
  const ids = { q: useId(), priority: useId(), technician: useId(), pageSize: useId() };
  const filtered = hasActiveFilters(params);

  const go = (next: Partial<WorkItemListParams>) =>
    startTransition(() => router.push(`${PATH}${workItemListQuery({ ...params, ...next })}`));
  const submitFilters = () => formRef.current?.requestSubmit();
  // Without JavaScript the form GETs the page; with it, the URL carries only the filters that are set.
  const onSubmit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const fields = nonEmptyParams(new FormData(event.currentTarget));
    startTransition(() =>
      router.push(`${PATH}${workItemListQuery({ ...parseWorkItemListParams(fields), page: 1 })}`),
    );
  };

  return (
    <div className="space-y-4">
      <search aria-label="Filter work items">
        <form
          ref={formRef}
          action={PATH}
          method="get"
          onSubmit={onSubmit}
          className="space-y-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
        >
          <div className="grid grid-cols-2 gap-3 lg:grid-cols-[minmax(0,1fr)_11rem_13rem]">
            <div className="col-span-2 space-y-1.5 lg:col-span-1">
              <Label htmlFor={ids.q}>Search</Label>
              <div className="flex gap-2">
                <Input
                  id={ids.q}
                  name="q"
                  type="search"
                  defaultValue={params.q}
                  placeholder="Reference, customer, phone…"
                />
                <Button type="submit" variant="primary">
                  <Search aria-hidden="true" />
                  {/* An icon on phones, so the field keeps room for its placeholder. */}
                  <span className="sr-only sm:not-sr-only">Search</span>
                </Button>
              </div>
            </div>
            <div className="space-y-1.5">
              <Label htmlFor={ids.priority}>Priority</Label>
              <Select
                id={ids.priority}
                name="priority"
                defaultValue={params.priority[0] ?? ""}
                onChange={submitFilters}
              >
                <option value="">All priorities</option>
                {WORK_ITEM_PRIORITIES.map((p) => (
                  <option key={p} value={p}>
                    {PRIORITY_LABELS[p]}
                  </option>
                ))}
              </Select>
            </div>
            <div className="space-y-1.5">
              <Label htmlFor={ids.technician}>Technician</Label>
              <Select
                id={ids.technician}
                name="technician"
                defaultValue={params.technicianId ?? ""}
                onChange={submitFilters}
              >
                <option value="">Anyone</option>
                {technicians.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                  </option>
                ))}
              </Select>
            </div>
          </div>
          <fieldset className="flex flex-wrap items-center gap-2">
            <legend className="sr-only">Status</legend>
            <span aria-hidden="true" className="mr-1 text-sm font-medium text-slate-700">
              Status
            </span>
            {WORK_ITEM_STATUSES.map((status) => (
              <label
                key={status}
                className="relative inline-flex cursor-pointer items-center gap-1.5 rounded-full border border-slate-300 bg-white px-2.5 py-1 text-sm text-slate-700 select-none hover:bg-slate-50 has-checked:border-indigo-600 has-checked:bg-indigo-50 has-checked:text-indigo-900 has-focus-visible:outline-2 has-focus-visible:outline-indigo-600"
              >
                <input
                  type="checkbox"
                  name="status"
                  value={status}
                  defaultChecked={params.status.includes(status)}
                  onChange={submitFilters}
                  className="absolute inset-0 size-full cursor-pointer appearance-none rounded-full opacity-0"
                />
                <span aria-hidden="true" className={cn("size-2 rounded-full", STATUS_DOTS[status])} />
                {STATUS_LABELS[status]}
              </label>
            ))}
            {filtered ? (
              <Link href={PATH} className={cn(buttonVariants({ variant: "ghost", size: "sm" }), "ml-auto")}>
                <X aria-hidden="true" />
                Clear filters
              </Link>
            ) : null}
          </fieldset>
          {hasChosenSort(params) ? (
            <>
              <input type="hidden" name="sort" value={params.sort} />
              <input type="hidden" name="dir" value={params.dir} />
            </>
          ) : null}
          {params.pageSize !== 20 ? <input type="hidden" name="pageSize" value={params.pageSize} /> : null}
        </form>
      </search>

      {params.q ? (
        <p className="flex flex-wrap items-center gap-x-2 text-sm text-slate-600">
          <span>
            {total === 1 ? "1 work item matches" : `${total.toLocaleString("en")} work items match`}{" "}
            <span className="font-medium text-slate-900">“{params.q}”</span>
          </span>
          <span aria-hidden="true">·</span>
          {params.sort === "relevance" ? (
            <span>best match first</span>
          ) : (
            <Link
              href={`${PATH}${workItemListQuery({ ...params, sort: "relevance", dir: "desc", page: 1 })}`}
              className="font-medium text-indigo-700 hover:text-indigo-900 hover:underline"
            >
              Show best match first
            </Link>
          )}
        </p>
      ) : null}

      <div className={cn("transition-opacity", pending && "opacity-60")} aria-busy={pending}>
        <DataTable
          aria-label="Work items"
          columns={workItemColumns}
          renderCard={(item) => <WorkItemCard item={item} />}
          data={rows}
          getRowId={(row) => String(row.id)}
          sorting={params.sort === "relevance" ? [] : [{ id: params.sort, desc: params.dir === "desc" }]}
          onSortingChange={(sorting) => {
            const [first] = sorting;
            if (!first) return;
            go({ sort: first.id as WorkItemSortKey, dir: first.desc ? "desc" : "asc", page: 1 });
          }}
          columnClassNames={workItemColumnClassNames}
          pagination={{
            page: params.page,
            pageSize: params.pageSize,
            total,
            hrefForPage: (page) => `${PATH}${workItemListQuery({ ...params, page })}`,
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
                  {PAGE_SIZES.map((size) => (
                    <option key={size} value={size}>
                      {size}
                    </option>
                  ))}
                </Select>
              </div>
            ),
          }}
          empty={
            <ListEmptyState
              total={total}
              filtered={filtered}
              page={params.page}
              pageSize={params.pageSize}
              hrefForPage={(page) => `${PATH}${workItemListQuery({ ...params, page })}`}
              rowsNoun={filtered ? "matching work items" : "work items"}
              clearHref={PATH}
              noMatch={{ title: "No work items match", description: "Try another search or fewer filters." }}
              nothingYet={{
                title: "No work items yet",
                description: "Repairs you book in show up here.",
                action: (
                  <Link href={`${PATH}/new`} className={buttonVariants({ variant: "primary" })}>
                    New work item
                  </Link>
                ),
              }}
            />
          }
        />
      </div>
    </div>
  );
}
