import { describe, expect, it } from "vitest";
import { diffFields, hasChanges } from "@/lib/diff";

describe("diffFields", () => {
  it("reports only the fields whose value changed, as from/to", () => {
    const before = { title: "Cracked screen", status: "new", priceCents: 12000 };
    const changes = diffFields(before, { title: "Cracked screen", status: "in_progress", priceCents: 9550 });
    expect(changes).toEqual({
      status: { from: "new", to: "in_progress" },
      priceCents: { from: 12000, to: 9550 },
    });
  });

  it("ignores fields left out of the patch or undefined", () => {
    const changes = diffFields({ title: "A", device: "iPhone" }, { device: undefined });
    expect(changes).toEqual({});
    expect(hasChanges(changes)).toBe(false);
  });

  it("treats null and undefined as the same empty value but reports clearing a value", () => {
    expect(
      diffFields({ serialNumber: undefined as string | null | undefined }, { serialNumber: null }),
    ).toEqual({});
    expect(diffFields({ serialNumber: "SN1" as string | null }, { serialNumber: null })).toEqual({
      serialNumber: { from: "SN1", to: null },
    });
  });

  it("compares dates by instant and records them as ISO strings", () => {
    const a = new Date("2025-01-02T03:04:05.000Z");
    expect(diffFields({ at: a }, { at: new Date(a.getTime()) })).toEqual({});
    expect(diffFields({ at: a }, { at: new Date("2025-01-03T00:00:00.000Z") })).toEqual({
      at: { from: "2025-01-02T03:04:05.000Z", to: "2025-01-03T00:00:00.000Z" },
    });
  });

  it("distinguishes false from null and 0 from null", () => {
    expect(diffFields({ done: null as boolean | null }, { done: false })).toEqual({
      done: { from: null, to: false },
    });
    expect(diffFields({ priceCents: 0 as number | null }, { priceCents: null })).toEqual({
      priceCents: { from: 0, to: null },
    });
  });
});
