import { SearchX } from "lucide-react";
import Link from "next/link";
import type * as React from "react";
import { plural } from "@/lib/text";
import { cn } from "@/lib/utils";
import { buttonVariants } from "./button";

export function EmptyState({
  icon,
  title,
  description,
  action,
  className,
}: {
  icon?: React.ReactNode;
  title: string;
  description?: React.ReactNode;
  action?: React.ReactNode;
  className?: string;
}) {
  return (
    <div className={cn("flex flex-col items-center justify-center gap-2 px-6 py-14 text-center", className)}>
      {icon ? (
        <div className="mb-1 flex size-11 items-center justify-center rounded-full bg-slate-100 text-slate-500 [&_svg]:size-5">
          {icon}
        </div>
      ) : null}
      <p className="text-base font-semibold text-slate-900">{title}</p>
      {description ? <p className="max-w-sm text-sm text-slate-600">{description}</p> : null}
      {action ? <div className="mt-3">{action}</div> : null}
    </div>
  );
}

/**
 * The empty state of a paginated list with filters: a page past the end, nothing matching the
 * filters, or nothing at all yet.
 */
export function ListEmptyState({
  total,
  filtered,
  page,
  pageSize,
  hrefForPage,
  rowsNoun,
  clearHref,
  noMatch,
  nothingYet,
}: {
  /** Matching rows on all pages. */
  total: number;
  filtered: boolean;
  page: number;
  pageSize: number;
  hrefForPage: (page: number) => string;
  /** What the rows are, for a page past the end: "matching work items". */
  rowsNoun: string;
  clearHref: string;
  noMatch: { title: string; description: string };
  nothingYet: { title: string; description: string; action?: React.ReactNode };
}) {
  if (total > 0) {
    const pageCount = Math.max(1, Math.ceil(total / pageSize));
    return (
      <EmptyState
        icon={<SearchX />}
        title={`Page ${page} is past the end`}
        description={`There ${pageCount === 1 ? "is" : "are"} ${plural(pageCount, "page")} of ${rowsNoun} (${total} in all).`}
        action={
          <Link href={hrefForPage(pageCount)} className={buttonVariants({ variant: "secondary" })}>
            Go to the last page
          </Link>
        }
      />
    );
  }
  if (filtered) {
    return (
      <EmptyState
        icon={<SearchX />}
        title={noMatch.title}
        description={noMatch.description}
        action={
          <Link href={clearHref} className={buttonVariants({ variant: "secondary" })}>
            Clear filters
          </Link>
        }
      />
    );
  }
  return <EmptyState icon={<SearchX />} {...nothingYet} />;
}
