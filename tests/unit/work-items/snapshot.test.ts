import { getTableColumns } from "drizzle-orm";
import { boolean, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import { type Task, tasks, type WorkItem, workItems } from "@/db/schema";
import { rowSnapshot, taskSnapshot, workItemSnapshot } from "@/server/work-items/snapshot";

const at = new Date("2026-12-01T10:00:00.000Z");

const item: WorkItem = {
  id: 7,
  reference: "RMA-000007",
  title: "Cracked screen",
  description: "",
  customerName: "Ada",
  customerEmail: null,
  customerPhone: "+44 20 7946 0000",
  device: "iPhone 15",
  serialNumber: null,
  status: "in_progress",
  priority: "express",
  priceCents: 12_000,
  technicianId: "u1",
  revision: 3,
  createdAt: at,
  updatedAt: at,
};

describe("change event snapshots", () => {
  it("carry every work item column, read off the schema, plus the technician's name", () => {
    const snapshot = workItemSnapshot(item, "Theo");
    expect(Object.keys(snapshot).sort()).toEqual(
      [...Object.keys(getTableColumns(workItems)), "technicianName"].sort(),
    );
    expect(snapshot).toMatchObject({
      priceCents: 12_000,
      createdAt: at.toISOString(),
      technicianName: "Theo",
    });
  });

  it("name no technician when the item has none", () => {
    expect(workItemSnapshot({ ...item, technicianId: null }, "Theo").technicianName).toBeNull();
  });

  it("carry every task column", () => {
    const task: Task = {
      id: 1,
      workItemId: 7,
      title: "Order part",
      done: false,
      revision: 1,
      createdAt: at,
      updatedAt: at,
    };
    expect(Object.keys(taskSnapshot(task)).sort()).toEqual(Object.keys(getTableColumns(tasks)).sort());
  });

  it("take up a column added to a table without a second list", () => {
    // A table as it would be after a migration added `warrantyUntil` and `onSite`.
    const extended = pgTable("work_items_next", {
      id: integer("id"),
      title: text("title"),
      warrantyUntil: timestamp("warranty_until", { withTimezone: true }),
      onSite: boolean("on_site"),
    });
    const row = { id: 1, title: "Screen", warrantyUntil: at, onSite: true, notAColumn: "x" };
    expect(rowSnapshot(extended, row)).toEqual({
      id: 1,
      title: "Screen",
      warrantyUntil: at.toISOString(),
      onSite: true,
    });
  });
});
