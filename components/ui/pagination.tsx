import { ChevronLeft, ChevronRight } from "lucide-react";
import Link from "next/link";
import { pageWindow } from "@/lib/pagination";
import { plural } from "@/lib/text";
import { cn } from "@/lib/utils";
import { buttonVariants } from "./button";

/**
 * Pages as real links (they work before hydration and keep the URL the source of truth). A page past the
 * end says so, and Previous goes to the last page rather than into more empty ones.
 */
export function Pagination({
  page,
  pageSize,
  total,
  hrefForPage,
  className,
  children,
}: {
  page: number;
  pageSize: number;
  total: number;
  hrefForPage: (page: number) => string;
  className?: string;
  /** Extra controls, e.g. a page size select. */
  children?: React.ReactNode;
}) {
  const { pageCount, pastEnd, from, to, previous, next: nextPage } = pageWindow(page, pageSize, total);
  const prev = previous !== null ? hrefForPage(previous) : null;
  const next = nextPage !== null ? hrefForPage(nextPage) : null;
  const linkClass = buttonVariants({ variant: "secondary", size: "sm" });
  const disabledClass = cn(linkClass, "pointer-events-none opacity-50");
  return (
    <nav
      aria-label="Pagination"
      className={cn("flex flex-wrap items-center justify-between gap-3 text-sm text-slate-600", className)}
    >
      <p aria-live="polite">
        {total === 0 ? (
          "No results"
        ) : pastEnd ? (
          `Page ${page} is past the end — there ${pageCount === 1 ? "is" : "are"} ${plural(pageCount, "page")}`
        ) : (
          <>
            Showing <span className="font-medium text-slate-900">{from}</span>–
            <span className="font-medium text-slate-900">{to}</span> of{" "}
            <span className="font-medium text-slate-900">{total}</span>
          </>
        )}
      </p>
      <div className="flex flex-wrap items-center gap-2">
        {children}
        {pastEnd ? null : (
          <span className="px-1 tabular-nums">
            Page {page} of {pageCount}
          </span>
        )}
        <div className="flex items-center gap-2">
          {prev ? (
            <Link href={prev} className={linkClass} rel="prev">
              <ChevronLeft aria-hidden="true" />
              Previous
            </Link>
          ) : (
            <span aria-disabled="true" className={disabledClass}>
              <ChevronLeft aria-hidden="true" />
              Previous
            </span>
          )}
          {next ? (
            <Link href={next} className={linkClass} rel="next">
              Next
              <ChevronRight aria-hidden="true" />
            </Link>
          ) : (
            <span aria-disabled="true" className={disabledClass}>
              Next
              <ChevronRight aria-hidden="true" />
            </span>
          )}
        </div>
      </div>
    </nav>
  );
}
