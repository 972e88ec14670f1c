import { getTableColumns } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { describeChanges, FIELD_LABELS, fieldLabel, SYSTEM_COLUMNS } from "@/components/syncs/change-words";
import { tasks, workItems } from "@/db/schema";

/** The columns a save can change, read from the schema itself (nothing listed by hand here). */
function changeableColumns(): string[] {
  const system = new Set<string>(SYSTEM_COLUMNS);
  const columns = [...Object.keys(getTableColumns(workItems)), ...Object.keys(getTableColumns(tasks))];
  return [...new Set(columns)].filter((c) => !system.has(c)).sort();
}

describe("change labels cover the schema", () => {
  it("finds the changeable columns of work_items and tasks", () => {
    // Guards the helper itself: an empty list would make the next test pass vacuously.
    expect(changeableColumns()).toContain("title");
    expect(changeableColumns()).toContain("done");
    expect(changeableColumns()).not.toContain("revision");
  });

  it("every changeable column has a label", () => {
    const unlabelled = changeableColumns().filter((c) => !Object.hasOwn(FIELD_LABELS, c));
    expect(unlabelled).toEqual([]);
  });

  it("labels no column that does not exist (or that no save changes)", () => {
    expect(Object.keys(FIELD_LABELS).sort()).toEqual(changeableColumns());
  });

  it("every system column names a real column", () => {
    const all = new Set([...Object.keys(getTableColumns(workItems)), ...Object.keys(getTableColumns(tasks))]);
    expect(SYSTEM_COLUMNS.filter((c) => !all.has(c))).toEqual([]);
  });

  it("a change line uses the label, not the column name", () => {
    for (const column of changeableColumns()) {
      const [line] = describeChanges({ [column]: { from: null, to: null } });
      expect(line.label, column).toBe(fieldLabel(column));
      expect(line.label, column).toBe(FIELD_LABELS[column as keyof typeof FIELD_LABELS]);
    }
  });
});
