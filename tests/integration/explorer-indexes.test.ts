import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import * as schema from "@/db/schema";
import { listSyncs } from "@/server/syncs/explorer";
import { listTimeline } from "@/server/syncs/timeline";
import { createTestDb, DRIVERS, type TestDb } from "../support/db";
import { insertIntegrations, insertSyncs, insertWorkItems } from "./explorer-fixtures";

type Plan = { "Node Type": string; "Index Name"?: string; "Relation Name"?: string; Plans?: Plan[] };

function nodes(plan: Plan): Plan[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/**
 * With 10,000 syncs on one work item, the item page and the explorer read through their indexes.
 * Runs on PostgreSQL only: PGlite has the same planner, but the claim is about the production database.
 */
describe.runIf(DRIVERS.includes("postgres"))(
  "timeline and explorer queries use their indexes on postgres",
  () => {
    let t: TestDb;
    let client: ReturnType<typeof postgres>;
    let captured: { query: string; params: unknown[] }[] = [];
    let logged: Db;
    let busy: number;

    beforeAll(async () => {
      t = await createTestDb("postgres");
      const [a, b] = await insertIntegrations(t.db, ["n8n", "slack"]);
      const ids = await insertWorkItems(t.db, 41);
      busy = ids[0];
      await insertSyncs(t.db, { workItemId: busy, integrationId: a.id, count: 5_000, status: "synced" });
      await insertSyncs(t.db, { workItemId: busy, integrationId: b.id, count: 5_000, status: "failed" });
      for (const id of ids.slice(1)) {
        await insertSyncs(t.db, { workItemId: id, integrationId: a.id, count: 50, status: "synced" });
      }
      // What autovacuum does on a live database: statistics and the visibility map (index-only scans).
      await t.db.execute(sql`vacuum analyze`);
      client = postgres(t.url!, { max: 1, onnotice: () => {} });
      logged = drizzle(client, {
        schema,
        logger: { logQuery: (query, params) => captured.push({ query, params }) },
      }) as unknown as Db;
    }, 120_000);

    afterAll(async () => {
      await client?.end();
      await t?.close();
    });

    async function plansOf(run: () => Promise<unknown>): Promise<{ query: string; nodes: Plan[] }[]> {
      captured = [];
      await run();
      const out = [];
      for (const { query, params } of captured) {
        const [row] = await client.unsafe(`explain (format json) ${query}`, params as never[]);
        const plan = (row["QUERY PLAN"] as { Plan: Plan }[])[0].Plan;
        out.push({ query, nodes: nodes(plan) });
        console.log(
          query,
          JSON.stringify(nodes(plan).map((n) => [n["Node Type"], n["Relation Name"], n["Index Name"]])),
        );
      }
      return out;
    }

    function syncScans(plans: { nodes: Plan[] }[]): Plan[] {
      return plans.flatMap((p) => p.nodes).filter((n) => n["Relation Name"] === "integration_syncs");
    }

    it("the timeline's first and an older page read syncs by change event id, never by scanning the table", async () => {
      const first = await listTimeline(t.db, busy);
      expect(first.entries).toHaveLength(20);
      for (const before of [null, first.nextCursor]) {
        const plans = await plansOf(() => listTimeline(logged, busy, { before }));
        const scans = syncScans(plans);
        expect(scans.length).toBeGreaterThan(0);
        expect(scans.map((n) => n["Node Type"])).not.toContain("Seq Scan");
        expect(scans.map((n) => n["Index Name"])).toContain("integration_syncs_change_event_integration_idx");
        const events = plans.flatMap((p) => p.nodes).filter((n) => n["Relation Name"] === "change_events");
        expect(events.map((n) => n["Node Type"])).not.toContain("Seq Scan");
        expect(events.map((n) => n["Index Name"])).toContain("change_events_work_item_created_idx");
      }
    });

    it("the explorer filtered to the busy work item reads its index, page and count alike", async () => {
      const [item] = await t.db
        .select({ reference: schema.workItems.reference })
        .from(schema.workItems)
        .limit(1);
      const plans = await plansOf(() => listSyncs(logged, { object: item.reference, page: 3 }));
      const scans = syncScans(plans);
      expect(scans.map((n) => n["Node Type"])).not.toContain("Seq Scan");
      expect(scans.map((n) => n["Index Name"])).toContain("integration_syncs_work_item_created_idx");
      const result = await listSyncs(t.db, { object: item.reference });
      expect(result.total).toBe(10_000);
    });

    it("the unfiltered explorer and the status filter read the created_at indexes", async () => {
      const unfiltered = syncScans(await plansOf(() => listSyncs(logged, {})));
      expect(unfiltered.map((n) => n["Node Type"])).not.toContain("Seq Scan");
      expect(unfiltered.map((n) => n["Index Name"])).toContain("integration_syncs_created_idx");

      const failed = syncScans(await plansOf(() => listSyncs(logged, { status: ["failed"] })));
      expect(failed.map((n) => n["Node Type"])).not.toContain("Seq Scan");
      expect(failed.map((n) => n["Index Name"])).toContain("integration_syncs_status_created_idx");
    });
  },
);
