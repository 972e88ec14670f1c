import { describe, expect, it } from "vitest";
import { nonEmptyParams, pageParam } from "@/lib/search-params";

describe("nonEmptyParams", () => {
  it("drops the fields a filter form left empty", () => {
    const form = new URLSearchParams("q=acme&status=&technician=&priority=high");
    expect(nonEmptyParams(form).toString()).toBe("q=acme&priority=high");
  });

  it("keeps every value of a repeated key and drops blank ones", () => {
    const form = new URLSearchParams("status=open&status=%20&status=done");
    expect(nonEmptyParams(form).getAll("status")).toEqual(["open", "done"]);
  });

  it("leaves nothing of an untouched form", () => {
    expect(nonEmptyParams(new URLSearchParams("q=&status=")).toString()).toBe("");
  });
});

describe("pageParam", () => {
  it("reads a whole page number and falls back to 1", () => {
    expect(pageParam({ page: "500" })).toBe(500);
    expect(pageParam({ page: "0" })).toBe(1);
    expect(pageParam({ page: "x" })).toBe(1);
  });
});
