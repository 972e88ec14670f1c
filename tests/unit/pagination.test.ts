import { describe, expect, it } from "vitest";
import { pageWindow } from "@/lib/pagination";

describe("pageWindow", () => {
  it("counts the rows of a page inside the list", () => {
    expect(pageWindow(1, 25, 49)).toEqual({
      pageCount: 2,
      pastEnd: false,
      from: 1,
      to: 25,
      previous: null,
      next: 2,
    });
    expect(pageWindow(2, 25, 49)).toEqual({
      pageCount: 2,
      pastEnd: false,
      from: 26,
      to: 49,
      previous: 1,
      next: null,
    });
  });

  it("a page past the end holds no rows, goes back to the last page and never forward", () => {
    expect(pageWindow(500, 25, 49)).toEqual({
      pageCount: 2,
      pastEnd: true,
      from: 0,
      to: 0,
      previous: 2,
      next: null,
    });
    expect(pageWindow(3, 25, 50)).toMatchObject({ pageCount: 2, pastEnd: true, previous: 2, next: null });
  });

  it("an empty list is one page, with nothing before or after it", () => {
    expect(pageWindow(1, 25, 0)).toEqual({
      pageCount: 1,
      pastEnd: false,
      from: 0,
      to: 0,
      previous: null,
      next: null,
    });
    expect(pageWindow(4, 25, 0)).toMatchObject({ pastEnd: true, previous: 1, next: null });
  });
});
