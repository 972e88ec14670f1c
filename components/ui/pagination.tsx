import { ChevronLeft, ChevronRight } from "lucide-react";
import Link from "next/link";
import { cn } from "@/lib/utils";
import { buttonVariants } from "./button";

/** Pages as real links (they work before hydration and keep the URL the source of truth). */
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
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  const prev = page > 1 ? hrefForPage(page - 1) : null;
  const next = page < pageCount ? hrefForPage(page + 1) : null;
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
        <span className="px-1 tabular-nums">
          Page {Math.min(page, pageCount)} of {pageCount}
        </span>
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
    </nav>
  );
}
