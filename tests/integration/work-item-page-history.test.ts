import { sql } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import * as schema from "@/db/schema";
import { findBlocker } from "@/server/deliveries/ordering";
import { listTimeline } from "@/server/syncs/timeline";
import { listTasks } from "@/server/work-items/tasks";
import { getLatestWorkItemChange, getWorkItem, listTechnicians } from "@/server/work-items/work-items";
import { createTestDb, DRIVERS, type TestDb } from "../support/db";
import { insertIntegrations, insertSyncs, insertWorkItems } from "./explorer-fixtures";

type Plan = {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Actual Rows": number;
  "Actual Loops": number;
  "Rows Removed by Filter"?: number;
  "Rows Removed by Index Recheck"?: number;
  Plans?: Plan[];
};

const HISTORY = 10_000;
/** A page of the timeline is 20 saves and their syncs: a scan that reads more is reading the history. */
const MOST_ROWS_READ = 100;

function nodes(plan: Plan): Plan[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/** Rows a scan node looked at, over all its loops: those it returned and those its filters dropped. */
function rowsRead(n: Plan): number {
  const perLoop =
    n["Actual Rows"] + (n["Rows Removed by Filter"] ?? 0) + (n["Rows Removed by Index Recheck"] ?? 0);
  return Math.round(perLoop * n["Actual Loops"]);
}

/**
 * The work item page (app/(app)/work-items/[id]/page.tsx) on an item with 10,000 syncs: every query it
 * makes reads a bounded number of rows, per EXPLAIN ANALYZE, so its cost does not grow with the item's
 * history (#16: the header's latest change sorted all of the item's change events).
 */
describe.each(DRIVERS)("the work item page's queries on a long history on %s", (driver) => {
  let t: TestDb;
  let captured: { query: string; params: unknown[] }[] = [];
  let logged: Db;
  let explain: (query: string, params: unknown[]) => Promise<Plan>;
  let busy: number;
  let integrationId: number;

  beforeAll(async () => {
    t = await createTestDb(driver);
    const [integration] = await insertIntegrations(t.db, ["n8n"]);
    integrationId = integration.id;
    const ids = await insertWorkItems(t.db, 21);
    busy = ids[0];
    await insertSyncs(t.db, {
      workItemId: busy,
      integrationId: integration.id,
      count: HISTORY,
      status: "synced",
      withAttempts: true,
    });
    for (const id of ids.slice(1)) {
      await insertSyncs(t.db, { workItemId: id, integrationId: integration.id, count: 50, status: "synced" });
    }
    await t.db.execute(sql`vacuum analyze`);
    const logger = { logQuery: (query: string, params: unknown[]) => captured.push({ query, params }) };
    // The handle's own client, so PGlite (one client per database) is explained where it was seeded.
    const client = (t.db as unknown as { $client: unknown }).$client;
    if (driver === "postgres") {
      const pg = client as import("postgres").Sql;
      logged = drizzlePostgres(pg, { schema, logger }) as unknown as Db;
      explain = async (query, params) => {
        const [row] = await pg.unsafe(`explain (analyze, format json) ${query}`, params as never[]);
        return (row["QUERY PLAN"] as { Plan: Plan }[])[0].Plan;
      };
    } else {
      const lite = client as import("@electric-sql/pglite").PGlite;
      logged = drizzlePglite(lite, { schema, logger }) as unknown as Db;
      explain = async (query, params) => {
        const { rows } = await lite.query<{ "QUERY PLAN": { Plan: Plan }[] }>(
          `explain (analyze, format json) ${query}`,
          params as never[],
        );
        return rows[0]["QUERY PLAN"][0].Plan;
      };
    }
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  /** Every scan node of every captured query, with the rows it read. */
  async function scans() {
    const reads = [];
    for (const { query, params } of captured) {
      for (const n of nodes(await explain(query, params))) {
        if (n["Node Type"].endsWith("Scan")) {
          reads.push({
            query,
            node: n["Node Type"],
            on: n["Relation Name"] ?? n["Index Name"],
            rows: rowsRead(n),
          });
        }
      }
    }
    return reads;
  }

  it("reads a bounded number of rows in the ordering check before each delivery try", async () => {
    captured = [];
    const blocker = await findBlocker(logged, {
      integrationId,
      subjectType: "workitem",
      subjectId: busy,
      revision: HISTORY + 1,
    });
    expect(blocker).toBeNull();
    expect(captured).toHaveLength(1);
    expect((await scans()).filter((r) => r.rows > MOST_ROWS_READ)).toEqual([]);
  });

  it("reads a bounded number of rows in every query the page makes, the latest change included", async () => {
    captured = [];
    const [item, , , latest, timeline] = await Promise.all([
      getWorkItem(logged, busy),
      listTasks(logged, busy),
      listTechnicians(logged),
      getLatestWorkItemChange(logged, busy),
      listTimeline(logged, busy, { viewer: "manager" }),
    ]);
    expect(item?.id).toBe(busy);
    // The fixtures' revisions run against time (revision 10,000 is the oldest event): the latest is by revision.
    expect(latest?.revision).toBe(HISTORY);
    expect(timeline.entries).toHaveLength(20);
    expect(captured.some((c) => c.query.includes('order by "change_events"."revision" desc'))).toBe(true);

    expect((await scans()).filter((r) => r.rows > MOST_ROWS_READ)).toEqual([]);
  });
});
