import { describe, expect, it } from "vitest";
import { sectionOf } from "@/components/app-shell/sections";

describe("sectionOf", () => {
  it("finds the section of a page, its [id] pages and its query", () => {
    expect(sectionOf("/syncs")).toMatchObject({ label: "Syncs", role: "manager" });
    expect(sectionOf("/syncs/12?tab=attempts")).toMatchObject({ label: "Syncs" });
    expect(sectionOf("/admin/users")).toMatchObject({ label: "Users", role: "admin" });
    expect(sectionOf("/work-items/new")).toMatchObject({ label: "Work items", role: "technician" });
  });

  it("is null for the dashboard and for addresses of no section", () => {
    expect(sectionOf("/")).toBeNull();
    expect(sectionOf("/nowhere")).toBeNull();
    expect(sectionOf("/syncsx")).toBeNull();
    expect(sectionOf("/admin")).toBeNull();
  });
});
