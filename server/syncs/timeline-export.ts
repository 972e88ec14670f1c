import "server-only";
import type { Db } from "@/db/client";
import { CSV_BOM, csvRow } from "@/lib/csv";
import type { Role } from "@/server/auth/roles";
import { listTimeline, type TimelineEntry } from "./timeline";

/** Change events read per page while exporting (the route's own maximum). */
const EXPORT_PAGE = 200;

/**
 * Every entry of a work item's timeline, newest first, page by page (the timeline's own cursor, so one
 * instant's events are never split), redacted for `viewer` exactly as the page shows them.
 */
async function* allEntries(
  db: Db,
  workItemId: number,
  viewer: Role,
): AsyncGenerator<{ entries: TimelineEntry[]; userNames: Record<string, string> }> {
  let before: string | null = null;
  for (;;) {
    const page = await listTimeline(db, workItemId, { before, limit: EXPORT_PAGE, viewer });
    yield { entries: page.entries, userNames: page.userNames };
    if (!page.nextCursor) return;
    before = page.nextCursor;
  }
}

const COLUMNS = [
  "changed_at_utc",
  "subject",
  "task_title",
  "revision",
  "events",
  "changed_by",
  "changes",
  "integration",
  "sync_id",
  "sync_status",
  "attempts",
  "last_http_status",
  "last_error",
  "completed_at_utc",
  "waiting_for",
] as const;

function describeChanges(entry: TimelineEntry, userNames: Record<string, string>): string {
  const show = (field: string, value: unknown) => {
    if (value === null || value === undefined || value === "") return "—";
    if (field === "technicianId" && typeof value === "string") return userNames[value] ?? value;
    return typeof value === "string" ? value : JSON.stringify(value);
  };
  return Object.entries(entry.changes)
    .map(([field, { from, to }]) => `${field}: ${show(field, from)} → ${show(field, to)}`)
    .join("; ");
}

/** One CSV row per sync of each change (a change no integration received: one row without a sync). */
export async function* timelineCsv(db: Db, workItemId: number, viewer: Role): AsyncGenerator<string> {
  yield CSV_BOM + csvRow(COLUMNS);
  for await (const { entries, userNames } of allEntries(db, workItemId, viewer)) {
    let chunk = "";
    for (const entry of entries) {
      const common = [
        entry.createdAt,
        `${entry.subjectType}:${entry.subjectId}`,
        entry.subjectTitle,
        entry.revision,
        entry.eventTypes.join(" "),
        entry.actorName,
        describeChanges(entry, userNames),
      ];
      if (entry.syncs.length === 0)
        chunk += csvRow([...common, null, null, null, null, null, null, null, null]);
      for (const s of entry.syncs) {
        chunk += csvRow([
          ...common,
          s.integrationName,
          s.id,
          s.status,
          s.attemptCount,
          s.lastStatusCode,
          s.lastError,
          s.completedAt,
          s.waitingFor,
        ]);
      }
    }
    yield chunk;
  }
}

/** The whole timeline as one JSON document: `{ workItemId, reference, exportedAt, entries, userNames }`. */
export async function* timelineJson(
  db: Db,
  workItem: { id: number; reference: string },
  viewer: Role,
): AsyncGenerator<string> {
  const names: Record<string, string> = {};
  yield `{"workItemId":${workItem.id},"reference":${JSON.stringify(workItem.reference)},"exportedAt":${JSON.stringify(new Date().toISOString())},"entries":[`;
  let first = true;
  for await (const { entries, userNames } of allEntries(db, workItem.id, viewer)) {
    Object.assign(names, userNames);
    if (entries.length === 0) continue;
    yield (first ? "" : ",") + entries.map((e) => JSON.stringify(e)).join(",");
    first = false;
  }
  yield `],"userNames":${JSON.stringify(names)}}`;
}
