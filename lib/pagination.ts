/** Where a page number stands among the pages of a list of `total` rows, `pageSize` a page. */
export type PageWindow = {
  pageCount: number;
  /** The page asks for rows past the last one (an old link, a hand-edited URL). */
  pastEnd: boolean;
  /** 1-based positions of the first and last row on the page; 0 and 0 when there are none. */
  from: number;
  to: number;
  /** The page Previous goes to: the last page when past the end, none on the first page. */
  previous: number | null;
  next: number | null;
};

export function pageWindow(page: number, pageSize: number, total: number): PageWindow {
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const pastEnd = page > pageCount;
  const onPage = total > 0 && !pastEnd;
  return {
    pageCount,
    pastEnd,
    from: onPage ? (page - 1) * pageSize + 1 : 0,
    to: onPage ? Math.min(total, page * pageSize) : 0,
    previous: pastEnd ? pageCount : page > 1 ? page - 1 : null,
    next: page < pageCount ? page + 1 : null,
  };
}
