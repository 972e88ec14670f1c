"use client";

import {
  type ColumnDef,
  createColumnHelper,
  functionalUpdate,
  type RowData,
  rowPaginationFeature,
  rowSortingFeature,
  type SortingState,
  tableFeatures,
  useTable,
} from "@tanstack/react-table";
import { ArrowDown, ArrowUp, ArrowUpDown } from "lucide-react";
import type * as React from "react";
import { cn } from "@/lib/utils";
import { Pagination } from "./pagination";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "./table";

/** Server-driven tables: sorting and paging happen in the database, the table only renders and reports. */
const dataTableFeatures = tableFeatures({ rowSortingFeature, rowPaginationFeature });
export type DataTableFeatures = typeof dataTableFeatures;

export function createDataTableColumnHelper<TData extends RowData>() {
  return createColumnHelper<DataTableFeatures, TData>();
}

// biome-ignore lint/suspicious/noExplicitAny: columns of one table carry different value types (as in TanStack's own helper.columns)
export type DataTableColumn<TData extends RowData> = ColumnDef<DataTableFeatures, TData, any>;

export type DataTableProps<TData extends RowData> = {
  columns: DataTableColumn<TData>[];
  data: TData[];
  getRowId?: (row: TData) => string;
  /** The current sort (from the URL); one column at a time. */
  sorting?: SortingState;
  onSortingChange?: (sorting: SortingState) => void;
  pagination: {
    page: number;
    pageSize: number;
    total: number;
    hrefForPage: (page: number) => string;
    controls?: React.ReactNode;
  };
  /** Per column id: classes for its header and cells (e.g. hide on small screens). */
  columnClassNames?: Record<string, string>;
  empty?: React.ReactNode;
  "aria-label"?: string;
  /**
   * Below `md`, one card per row instead of the table (a phone cannot show the columns side by side
   * without a hidden sideways scroll). The same rows, pagination and empty state.
   */
  renderCard?: (row: TData) => React.ReactNode;
};

const ARIA_SORT = { asc: "ascending", desc: "descending" } as const;

export function DataTable<TData extends RowData>({
  columns,
  data,
  getRowId,
  sorting = [],
  onSortingChange,
  pagination,
  columnClassNames = {},
  empty,
  "aria-label": ariaLabel,
  renderCard,
}: DataTableProps<TData>) {
  const table = useTable({
    features: dataTableFeatures,
    columns,
    data,
    getRowId: getRowId ? (row) => getRowId(row) : undefined,
    manualSorting: true,
    manualPagination: true,
    enableMultiSort: false,
    enableSortingRemoval: false,
    rowCount: pagination.total,
    state: {
      sorting,
      pagination: { pageIndex: pagination.page - 1, pageSize: pagination.pageSize },
    },
    onSortingChange: (updater) => onSortingChange?.(functionalUpdate(updater, sorting)),
  });

  const rows = table.getRowModel().rows;

  return (
    <div className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm">
      {/* Cards only for rows: an empty list keeps the table's one empty state at every size. */}
      {renderCard && rows.length > 0 ? (
        <ul aria-label={ariaLabel} className="divide-y divide-slate-100 md:hidden">
          {rows.map((row) => (
            <li key={row.id}>{renderCard(row.original)}</li>
          ))}
        </ul>
      ) : null}
      <Table
        aria-label={ariaLabel}
        wrapperClassName={renderCard && rows.length > 0 ? "max-md:hidden" : undefined}
      >
        <TableHeader>
          {table.getHeaderGroups().map((group) => (
            <TableRow key={group.id} className="hover:bg-transparent">
              {group.headers.map((header) => {
                const sorted = header.column.getIsSorted();
                const canSort = Boolean(onSortingChange) && header.column.getCanSort();
                return (
                  <TableHead
                    key={header.id}
                    aria-sort={sorted ? ARIA_SORT[sorted] : undefined}
                    className={columnClassNames[header.column.id]}
                  >
                    {header.isPlaceholder ? null : canSort ? (
                      <button
                        type="button"
                        onClick={header.column.getToggleSortingHandler()}
                        className={cn(
                          "-mx-1.5 inline-flex items-center gap-1 rounded px-1.5 py-1 uppercase hover:bg-slate-200/60 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600",
                          sorted && "text-slate-900",
                        )}
                      >
                        <table.FlexRender header={header} />
                        {sorted === "asc" ? (
                          <ArrowUp aria-hidden="true" className="size-3.5" />
                        ) : sorted === "desc" ? (
                          <ArrowDown aria-hidden="true" className="size-3.5" />
                        ) : (
                          <ArrowUpDown aria-hidden="true" className="size-3.5 text-slate-400" />
                        )}
                      </button>
                    ) : (
                      <table.FlexRender header={header} />
                    )}
                  </TableHead>
                );
              })}
            </TableRow>
          ))}
        </TableHeader>
        <TableBody>
          {rows.length === 0 ? (
            <TableRow className="hover:bg-transparent">
              <TableCell colSpan={table.getAllLeafColumns().length} className="p-0">
                {empty ?? <p className="px-4 py-10 text-center text-slate-500">No results.</p>}
              </TableCell>
            </TableRow>
          ) : (
            rows.map((row) => (
              <TableRow key={row.id}>
                {row.getAllCells().map((cell) => (
                  <TableCell key={cell.id} className={columnClassNames[cell.column.id]}>
                    <table.FlexRender cell={cell} />
                  </TableCell>
                ))}
              </TableRow>
            ))
          )}
        </TableBody>
      </Table>
      <div className="border-t border-slate-200 bg-slate-50/60 px-4 py-3">
        <Pagination
          page={pagination.page}
          pageSize={pagination.pageSize}
          total={pagination.total}
          hrefForPage={pagination.hrefForPage}
        >
          {pagination.controls}
        </Pagination>
      </div>
    </div>
  );
}
