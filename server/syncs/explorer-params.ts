import { z } from "zod";
import { CHANGE_EVENT_TYPES, type ChangeEventType, SYNC_STATUSES, type SyncStatus } from "@/db/schema";
import { parseId } from "@/lib/ids";
import { allParams, dateParam, firstParam, pageParam, type RawParams } from "@/lib/search-params";

const EXPLORER_SORT_KEYS = ["created", "status", "event", "attempts", "latency"] as const;
export type ExplorerSortKey = (typeof EXPLORER_SORT_KEYS)[number];
type SortDir = "asc" | "desc";

export const EXPLORER_PAGE_SIZES = [25, 50, 100] as const;
const DEFAULT_EXPLORER_PAGE_SIZE = 25;

/** The explorer's state, all of it in the URL. Dates are `yyyy-MM-dd` (inclusive, server time). */
export type ExplorerParams = {
  view: "syncs" | "objects";
  page: number;
  pageSize: number;
  /** A work item reference (RMA-000123, or just 123), or an object (`task:45`, `workitem:12`). */
  object: string;
  integrationId: number | null;
  eventType: ChangeEventType | null;
  status: SyncStatus[];
  from: string | null;
  to: string | null;
  sort: ExplorerSortKey;
  dir: SortDir;
};

export const DEFAULT_EXPLORER_PARAMS: ExplorerParams = {
  view: "syncs",
  page: 1,
  pageSize: DEFAULT_EXPLORER_PAGE_SIZE,
  object: "",
  integrationId: null,
  eventType: null,
  status: [],
  from: null,
  to: null,
  sort: "created",
  dir: "desc",
};

/** Reads the explorer state from search params; anything malformed falls back to the default. */
export function parseExplorerParams(raw: RawParams): ExplorerParams {
  const pageSize = Number(firstParam(raw, "pageSize"));
  return {
    view: firstParam(raw, "view") === "objects" ? "objects" : "syncs",
    page: pageParam(raw),
    pageSize: (EXPLORER_PAGE_SIZES as readonly number[]).includes(pageSize)
      ? pageSize
      : DEFAULT_EXPLORER_PAGE_SIZE,
    object: (firstParam(raw, "object") ?? "").trim().slice(0, 100),
    integrationId: parseId(firstParam(raw, "integration")),
    eventType: z
      .enum(CHANGE_EVENT_TYPES)
      .nullable()
      .catch(null)
      .parse(firstParam(raw, "event") ?? null),
    status: allParams(raw, "status").filter((s): s is SyncStatus =>
      (SYNC_STATUSES as readonly string[]).includes(s),
    ),
    from: dateParam(raw, "from"),
    to: dateParam(raw, "to"),
    sort: z.enum(EXPLORER_SORT_KEYS).catch("created").parse(firstParam(raw, "sort")),
    dir: z.enum(["asc", "desc"]).catch("desc").parse(firstParam(raw, "dir")),
  };
}

/** The URL query for an explorer state, leaving defaults out. */
export function explorerQuery(params: Partial<ExplorerParams>): string {
  const p = { ...DEFAULT_EXPLORER_PARAMS, ...params };
  const search = new URLSearchParams();
  if (p.view !== "syncs") search.set("view", p.view);
  if (p.object) search.set("object", p.object);
  if (p.integrationId) search.set("integration", String(p.integrationId));
  if (p.eventType) search.set("event", p.eventType);
  for (const s of p.status) search.append("status", s);
  if (p.from) search.set("from", p.from);
  if (p.to) search.set("to", p.to);
  if (p.sort !== DEFAULT_EXPLORER_PARAMS.sort || p.dir !== DEFAULT_EXPLORER_PARAMS.dir) {
    search.set("sort", p.sort);
    search.set("dir", p.dir);
  }
  if (p.pageSize !== DEFAULT_EXPLORER_PAGE_SIZE) search.set("pageSize", String(p.pageSize));
  if (p.page > 1) search.set("page", String(p.page));
  const query = search.toString();
  return query ? `?${query}` : "";
}

export function hasExplorerFilters(p: ExplorerParams): boolean {
  return Boolean(p.object || p.integrationId || p.eventType || p.status.length || p.from || p.to);
}

export type ObjectFilter =
  | { kind: "reference"; reference: string }
  | { kind: "object"; subjectType: "workitem" | "task"; subjectId: number }
  | { kind: "invalid" };

/** "RMA-000123", "123" → that work item and its tasks; "task:45" / "workitem:12" → one object. */
export function parseObjectFilter(text: string): ObjectFilter | null {
  const value = text.trim();
  if (!value) return null;
  const reference = /^(?:RMA-?)?(\d{1,9})$/i.exec(value);
  if (reference) return { kind: "reference", reference: `RMA-${reference[1].padStart(6, "0")}` };
  const object = /^(workitem|work item|task)\s*[:#]?\s*(\d{1,9})$/i.exec(value);
  if (object) {
    return {
      kind: "object",
      subjectType: object[1].toLowerCase() === "task" ? "task" : "workitem",
      subjectId: Number(object[2]),
    };
  }
  return { kind: "invalid" };
}
