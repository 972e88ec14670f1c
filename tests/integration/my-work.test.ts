import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { users, workItems } from "@/db/schema";
import { getMyWork } from "@/server/work-items/my-work";
import { workItemCreateSchema } from "@/server/work-items/validation";
import { type Actor, createWorkItem, updateWorkItem } from "@/server/work-items/work-items";
import { createTestDb, DRIVERS, type TestDb } from "../support/db";
import { TESS, THEO, TWO_TECHNICIANS } from "../support/work-item-fixture";

describe.each(DRIVERS)("a technician's home on %s", (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(driver);
  });
  afterAll(async () => t?.close());
  beforeEach(async () => {
    await t.reset();
    await t.db.insert(users).values(TWO_TECHNICIANS);
  });

  /** Creates an item and, where asked, backdates its last change so the order is the test's, not the clock's. */
  async function item(
    title: string,
    fields: Record<string, unknown>,
    actor: Actor,
    updatedAt?: Date,
  ): Promise<number> {
    const created = await createWorkItem(
      t.db,
      workItemCreateSchema.parse({ title, customerName: "C", device: "D", ...fields }),
      actor,
    );
    if (!created.ok) throw new Error(created.reason);
    if (updatedAt) await t.db.update(workItems).set({ updatedAt }).where(eq(workItems.id, created.row.id));
    return created.row.id;
  }

  it("lists the technician's open items express first, the shop's waiting-for-parts oldest first, and the last saves with who made them", async () => {
    const hour = (h: number) => new Date(Date.UTC(2026, 11, 1, h));
    const mineNormal = await item(
      "Mine, normal",
      { technicianId: TESS.id, status: "in_progress" },
      TESS,
      hour(9),
    );
    const mineExpress = await item(
      "Mine, express",
      { technicianId: TESS.id, status: "new", priority: "express" },
      TESS,
      hour(8),
    );
    await item("Mine, resolved", { technicianId: TESS.id, status: "resolved" }, TESS, hour(10));
    const theirsWaiting = await item(
      "Theirs, waiting",
      { technicianId: THEO.id, status: "waiting_parts" },
      THEO,
      hour(7),
    );
    const mineWaiting = await item(
      "Mine, waiting",
      { technicianId: TESS.id, status: "waiting_parts" },
      TESS,
      hour(6),
    );

    const work = await getMyWork(t.db, TESS.id);
    expect(work.assigned.rows.map((r) => r.title)).toEqual([
      "Mine, express",
      "Mine, normal",
      "Mine, waiting",
    ]);
    expect(work.assigned.total).toBe(3);
    expect(work.waitingParts.rows.map((r) => r.id)).toEqual([mineWaiting, theirsWaiting]);
    expect(work.waitingParts.total).toBe(2);
    expect(work.recent.map((r) => r.title).slice(0, 2)).toEqual(["Mine, resolved", "Mine, normal"]);

    // Theo saves Tess's express item: it is the latest change, with his name; still Tess's.
    const [row] = await t.db.select().from(workItems).where(eq(workItems.id, mineExpress));
    const saved = await updateWorkItem(
      t.db,
      mineExpress,
      { revision: row.revision, description: "Ordered a battery" },
      THEO,
    );
    expect(saved.ok).toBe(true);
    const after = await getMyWork(t.db, TESS.id);
    expect(after.recent[0]).toMatchObject({ id: mineExpress, changedBy: THEO.name });
    expect(after.assigned.rows[0].id).toBe(mineExpress);
    expect(after.recent.find((r) => r.id === mineNormal)?.changedBy).toBe(TESS.name);
  });

  it("keeps each list short and counts the rest", async () => {
    for (let i = 0; i < 8; i++)
      await item(`Mine ${i}`, { technicianId: TESS.id, status: "in_progress" }, TESS);
    const work = await getMyWork(t.db, TESS.id, 5);
    expect(work.assigned.rows).toHaveLength(5);
    expect(work.assigned.total).toBe(8);
    expect(work.recent).toHaveLength(5);
    expect(await getMyWork(t.db, THEO.id)).toMatchObject({ assigned: { rows: [], total: 0 } });
  });
});
