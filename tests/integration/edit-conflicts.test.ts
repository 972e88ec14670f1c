import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { users } from "@/db/schema";
import { describeConflict } from "@/server/work-items/conflicts";
import { workItemCreateSchema } from "@/server/work-items/validation";
import { createWorkItem, updateWorkItem } from "@/server/work-items/work-items";
import { createTestDb, DRIVERS, type TestDb } from "../support/db";
import { TESS, THEO, TWO_TECHNICIANS } from "../support/work-item-fixture";

describe.each(DRIVERS)("an edit conflict on %s", (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(driver);
  });
  afterAll(async () => t?.close());
  beforeEach(async () => {
    await t.reset();
    await t.db.insert(users).values(TWO_TECHNICIANS);
  });

  async function item() {
    const created = await createWorkItem(
      t.db,
      workItemCreateSchema.parse({
        title: "Cracked screen",
        customerName: "Ana",
        device: "iPhone 13",
        price: "120",
      }),
      TESS,
    );
    if (!created.ok) throw new Error(created.reason);
    return created.row;
  }

  it("names what the others changed since your revision beside what you changed, and keeps yours where both did", async () => {
    const row = await item();
    // Theo saves twice while Tess still edits revision 1: the price, then the title and the status.
    const first = await updateWorkItem(t.db, row.id, { revision: 1, priceCents: 9950 }, THEO);
    const second = await updateWorkItem(
      t.db,
      row.id,
      { revision: 2, title: "Cracked screen and back", status: "in_progress" },
      THEO,
    );
    if (!first.ok || !second.ok) throw new Error("Theo's saves failed");

    // Tess's save of revision 1: a new title and a description; price and status as she saw them.
    const tess = {
      revision: 1,
      title: "Cracked screen, glass only",
      description: "Customer dropped it",
      priceCents: 12000,
      status: "new" as const,
    };
    const refused = await updateWorkItem(t.db, row.id, tess, TESS);
    expect(refused).toMatchObject({ ok: false, reason: "stale" });
    if (refused.ok || refused.reason !== "stale") return;

    const { conflict, values } = await describeConflict(t.db, refused.current, tess.revision, tess);
    expect(conflict.revision).toBe(3);
    expect(conflict.by).toEqual([THEO.name]);
    expect(conflict.fields).toEqual([
      { field: "title", theirs: "Cracked screen and back", yours: "Cracked screen, glass only" },
      { field: "status", theirs: "in_progress", yours: null },
      { field: "price", theirs: "99.50", yours: null },
    ]);
    // The form next: theirs where Tess did not change a field, hers where she did, at revision 3.
    expect(values).toMatchObject({
      revision: "3",
      title: "Cracked screen, glass only",
      description: "Customer dropped it",
      status: "in_progress",
      price: "99.50",
    });

    // Saving what the form now shows goes on top: both sides' changes are in the item.
    const again = await updateWorkItem(
      t.db,
      row.id,
      {
        revision: 3,
        title: values.title,
        description: values.description,
        status: "in_progress",
        priceCents: 9950,
      },
      TESS,
    );
    expect(again).toMatchObject({
      ok: true,
      changed: true,
      row: {
        revision: 4,
        title: "Cracked screen, glass only",
        description: "Customer dropped it",
        status: "in_progress",
        priceCents: 9950,
      },
    });
  });
});
