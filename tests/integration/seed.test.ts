import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { changeEvents, integrations, tasks, users, WORK_ITEM_STATUSES, workItems } from "@/db/schema";
import { decryptSecret } from "@/lib/secrets";
import { seedDemoData } from "@/server/demo/seed";
import { countWorkItemsByStatus, listWorkItems } from "@/server/work-items/work-items";
import { createTestDb, DRIVERS, type TestDb } from "../support/db";

describe.each(DRIVERS)("demo data on %s", (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(driver);
  });
  afterAll(async () => t?.close());
  beforeEach(async () => {
    await t.reset();
    await t.db.insert(users).values([
      { id: "tech-1", name: "Tess Technician", email: "tech@fixed.test", role: "technician" },
      { id: "tech-2", name: "Theo Technician", email: "theo@fixed.test", role: "technician" },
    ]);
  });

  const options = { technicianIds: ["tech-1", "tech-2"], demoReceiverUrl: "http://127.0.0.1:3999/hooks" };

  it("seeds repairs in every status and priority with their creation events, once", async () => {
    expect(await seedDemoData(t.db, options)).toBe(true);
    expect(await seedDemoData(t.db, options)).toBe(false);

    const counts = await countWorkItemsByStatus(t.db);
    for (const status of WORK_ITEM_STATUSES) expect(counts[status]).toBeGreaterThan(0);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(20);
    expect((await listWorkItems(t.db, { priority: ["express"] })).total).toBeGreaterThan(0);
    expect((await listWorkItems(t.db, { technicianId: "tech-2" })).total).toBeGreaterThan(0);

    const [{ taskCount }] = await t.db.select({ taskCount: sql<number>`count(*)::int` }).from(tasks);
    const created = await t.db.select().from(changeEvents);
    expect(created.filter((e) => e.eventType === "workitem_created")).toHaveLength(total);
    expect(created.filter((e) => e.eventType === "task_created")).toHaveLength(taskCount);
    expect(created).toHaveLength(total + taskCount);

    const [receiver] = await t.db.select().from(integrations).where(eq(integrations.name, "demo-receiver"));
    expect(receiver).toMatchObject({ url: options.demoReceiverUrl, active: true });
    expect(receiver.eventTypes).toHaveLength(5);
    expect(receiver.secret).toMatch(/^enc:v1:/);
    expect(decryptSecret(receiver.secret)).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  });

  it("gives the demo-receiver integration the secret the demo receiver checks with", async () => {
    const secret = "whsec_ZTJlLW9ubHktZGVtby1yZWNlaXZlci1zZWNyZXQtMDEyMw==";
    expect(await seedDemoData(t.db, { ...options, demoReceiverSecret: secret })).toBe(true);
    const [receiver] = await t.db.select().from(integrations).where(eq(integrations.name, "demo-receiver"));
    expect(receiver.secret).toMatch(/^enc:v1:/);
    expect(decryptSecret(receiver.secret)).toBe(secret);
  });

  it("does nothing when work items already exist", async () => {
    await t.db.insert(workItems).values({ title: "Existing", customerName: "C", device: "D" });
    expect(await seedDemoData(t.db, options)).toBe(false);
    const [{ count }] = await t.db.select({ count: sql<number>`count(*)::int` }).from(workItems);
    expect(count).toBe(1);
  });
});
