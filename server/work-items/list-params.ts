import { z } from "zod";
import {
  WORK_ITEM_PRIORITIES,
  WORK_ITEM_STATUSES,
  type WorkItemPriority,
  type WorkItemStatus,
} from "@/db/schema";
import { allParams, firstParam, type RawParams } from "@/lib/search-params";

const WORK_ITEM_SORT_KEYS = [
  "relevance",
  "reference",
  "title",
  "customer",
  "status",
  "priority",
  "updated",
] as const;
/** `relevance` is the best match first: what a search shows until the user picks a column to sort by. */
export type WorkItemSortKey = (typeof WORK_ITEM_SORT_KEYS)[number];
type SortDir = "asc" | "desc";

export const PAGE_SIZES = [10, 20, 50, 100] as const;
const DEFAULT_PAGE_SIZE = 20;

export type WorkItemListParams = {
  page: number;
  pageSize: number;
  q: string;
  status: WorkItemStatus[];
  priority: WorkItemPriority[];
  technicianId: string | null;
  sort: WorkItemSortKey;
  dir: SortDir;
};

export const DEFAULT_LIST_PARAMS: WorkItemListParams = {
  page: 1,
  pageSize: DEFAULT_PAGE_SIZE,
  q: "",
  status: [],
  priority: [],
  technicianId: null,
  sort: "updated",
  dir: "desc",
};

const positiveInt = (fallback: number, max: number) =>
  z.coerce.number().int().min(1).max(max).catch(fallback);

/** The sort a list has when the user picked none: the best match first when searching, else the latest change. */
function defaultSort(q: string): WorkItemSortKey {
  return q ? "relevance" : "updated";
}

/** Whether the user picked the sort, so a new search keeps it instead of ranking. */
export function hasChosenSort(params: Pick<WorkItemListParams, "q" | "sort" | "dir">): boolean {
  return params.sort !== defaultSort(params.q) || params.dir !== "desc";
}

/** Reads list state from URL search params; anything malformed falls back to the default. */
export function parseWorkItemListParams(raw: RawParams): WorkItemListParams {
  const pageSize = Number(firstParam(raw, "pageSize"));
  const q = (firstParam(raw, "q") ?? "").trim().slice(0, 200);
  return {
    page: positiveInt(1, 100_000).parse(firstParam(raw, "page") ?? 1),
    pageSize: (PAGE_SIZES as readonly number[]).includes(pageSize) ? pageSize : DEFAULT_PAGE_SIZE,
    q,
    status: allParams(raw, "status").filter((s): s is WorkItemStatus =>
      (WORK_ITEM_STATUSES as readonly string[]).includes(s),
    ),
    priority: allParams(raw, "priority").filter((p): p is WorkItemPriority =>
      (WORK_ITEM_PRIORITIES as readonly string[]).includes(p),
    ),
    technicianId: firstParam(raw, "technician") ?? null,
    sort: z.enum(WORK_ITEM_SORT_KEYS).catch(defaultSort(q)).parse(firstParam(raw, "sort")),
    dir: z.enum(["asc", "desc"]).catch("desc").parse(firstParam(raw, "dir")),
  };
}

/** The URL query for a list state, leaving defaults out so links stay short. */
export function workItemListQuery(params: Partial<WorkItemListParams>): string {
  const p = { ...DEFAULT_LIST_PARAMS, sort: defaultSort(params.q ?? ""), ...params };
  const search = new URLSearchParams();
  if (p.q) search.set("q", p.q);
  for (const s of p.status) search.append("status", s);
  for (const s of p.priority) search.append("priority", s);
  if (p.technicianId) search.set("technician", p.technicianId);
  if (hasChosenSort(p)) {
    search.set("sort", p.sort);
    search.set("dir", p.dir);
  }
  if (p.pageSize !== DEFAULT_PAGE_SIZE) search.set("pageSize", String(p.pageSize));
  if (p.page > 1) search.set("page", String(p.page));
  const query = search.toString();
  return query ? `?${query}` : "";
}

export function hasActiveFilters(params: WorkItemListParams): boolean {
  return Boolean(params.q || params.status.length || params.priority.length || params.technicianId);
}
