import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { changeEvents, integrationSyncs, integrations, workItems } from "@/db/schema";
import { createTestDb, DRIVERS, type TestDb } from "../support/db";

describe.each(DRIVERS)("database schema on %s", (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(driver);
  });
  afterAll(async () => t?.close());
  beforeEach(async () => t.reset());

  it("numbers references from a sequence, not by counting rows", async () => {
    const [a] = await t.db
      .insert(workItems)
      .values({ title: "A", customerName: "C", device: "D" })
      .returning();
    await t.db.delete(workItems).where(eq(workItems.id, a.id));
    const [b] = await t.db
      .insert(workItems)
      .values({ title: "B", customerName: "C", device: "D" })
      .returning();
    expect(a.reference).toBe("RMA-000001");
    expect(b.reference).toBe("RMA-000002");
  });

  it("allows many update syncs for one object but only one creation sync per integration", async () => {
    const [item] = await t.db
      .insert(workItems)
      .values({ title: "A", customerName: "C", device: "D" })
      .returning();
    const [integration] = await t.db
      .insert(integrations)
      .values({
        name: "n8n",
        url: "https://example.com/hook",
        eventTypes: ["workitem_updated"],
        secret: "whsec_x",
      })
      .returning();
    const event = (id: string, eventType: "workitem_created" | "workitem_updated") => ({
      id,
      eventType,
      subjectType: "workitem" as const,
      subjectId: item.id,
      workItemId: item.id,
      revision: 1,
      snapshot: {},
    });
    await t.db.insert(changeEvents).values([
      event("c1", "workitem_created"),
      // A second creation event for the same object (e.g. a re-sent create): a different change event.
      event("c2", "workitem_created"),
      event("u1", "workitem_updated"),
      event("u2", "workitem_updated"),
    ]);
    const sync = (changeEventId: string, eventType: "workitem_created" | "workitem_updated") => ({
      integrationId: integration.id,
      subjectType: "workitem" as const,
      subjectId: item.id,
      workItemId: item.id,
      changeEventId,
      eventType,
      revision: 1,
      webhookId: `msg_${changeEventId}`,
      payload: {},
    });
    await t.db
      .insert(integrationSyncs)
      .values([sync("u1", "workitem_updated"), sync("u2", "workitem_updated")]);
    await t.db.insert(integrationSyncs).values(sync("c1", "workitem_created"));
    const again = await t.db
      .insert(integrationSyncs)
      .values(sync("c1", "workitem_created"))
      .onConflictDoNothing()
      .returning();
    expect(again).toHaveLength(0);
    // Only the partial unique index over (integration, content type, object, event type) refuses this
    // one: its change event is another, so (change_event_id, integration_id) does not.
    const secondCreation = await t.db
      .insert(integrationSyncs)
      .values(sync("c2", "workitem_created"))
      .onConflictDoNothing()
      .returning();
    expect(secondCreation).toHaveLength(0);
    const [{ count }] = await t.db.select({ count: sql<number>`count(*)::int` }).from(integrationSyncs);
    expect(count).toBe(3);
  });
});
