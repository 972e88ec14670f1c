import { describe, expect, it } from "vitest";
import { plural } from "@/lib/text";

describe("plural", () => {
  it("uses the singular for one and the plural otherwise", () => {
    expect(plural(1, "integration")).toBe("1 integration");
    expect(plural(0, "integration")).toBe("0 integrations");
    expect(plural(2, "webhook")).toBe("2 webhooks");
  });

  it("takes an irregular plural and groups thousands", () => {
    expect(plural(1, "entry", "entries")).toBe("1 entry");
    expect(plural(1200, "entry", "entries")).toBe("1,200 entries");
  });
});
