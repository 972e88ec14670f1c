import { SearchX } from "lucide-react";
import Link from "next/link";
import type * as React from "react";
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
  firstPageHref,
  clearHref,
  pastEnd,
  noMatch,
  nothingYet,
}: {
  /** Matching rows on all pages. */
  total: number;
  filtered: boolean;
  firstPageHref: string;
  clearHref: string;
  /** What a page past the end says about the earlier pages. */
  pastEnd?: string;
  noMatch: { title: string; description: string };
  nothingYet: { title: string; description: string; action?: React.ReactNode };
}) {
  if (total > 0) {
    return (
      <EmptyState
        icon={<SearchX />}
        title="This page is empty"
        description={pastEnd}
        action={
          <Link href={firstPageHref} className={buttonVariants({ variant: "secondary" })}>
            Go to the first page
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
