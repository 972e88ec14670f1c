import { describe, expect, it } from "vitest";
import { parseWorkItemListParams, workItemListQuery } from "@/server/work-items/list-params";

describe("work item list params", () => {
  it("sorts a search by best match and the plain list by the latest change when the user picked no sort", () => {
    expect(parseWorkItemListParams({ q: "battery" }).sort).toBe("relevance");
    expect(parseWorkItemListParams({}).sort).toBe("updated");
    expect(parseWorkItemListParams({ q: "battery", sort: "nonsense" }).sort).toBe("relevance");
  });

  it("keeps a sort the user picked while searching, the latest change included", () => {
    const picked = parseWorkItemListParams({ q: "battery", sort: "updated", dir: "desc" });
    expect(picked.sort).toBe("updated");
    expect(workItemListQuery(picked)).toBe("?q=battery&sort=updated&dir=desc");
    expect(
      parseWorkItemListParams(Object.fromEntries(new URLSearchParams("q=battery&sort=updated&dir=desc")))
        .sort,
    ).toBe("updated");
  });

  it("leaves the default sort out of the address, so a new search ranks again", () => {
    expect(workItemListQuery(parseWorkItemListParams({ q: "battery" }))).toBe("?q=battery");
    expect(workItemListQuery({ q: "battery", sort: "relevance", dir: "desc", page: 2 })).toBe(
      "?q=battery&page=2",
    );
    expect(workItemListQuery({ sort: "updated", dir: "desc" })).toBe("");
    expect(workItemListQuery({ sort: "title", dir: "asc" })).toBe("?sort=title&dir=asc");
  });
});
