import { ArrowRight, Inbox, PackageSearch, Wrench } from "lucide-react";
import Link from "next/link";
import type * as React from "react";
import { buttonVariants } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Time } from "@/components/ui/time";
import type { MyWork, RecentCard, WorkCard } from "@/server/work-items/my-work";
import { PriorityBadge, StatusBadge } from "./badges";

/**
 * A technician's home page: their open repairs, what waits for parts, and what changed last. Lists,
 * not tables, so they read the same on a phone at the bench as on the desk.
 */
export function MyWorkSections({
  work,
  assignedHref,
  waitingHref,
}: {
  work: MyWork;
  assignedHref: string;
  waitingHref: string;
}) {
  return (
    <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
      <WorkList
        className="lg:col-span-2"
        title="Assigned to you"
        description="Your open repairs, express first."
        total={work.assigned.total}
        href={assignedHref}
        rows={work.assigned.rows}
        empty={{
          icon: <Inbox />,
          text: "Nothing assigned to you is open. New repairs you take on show here.",
        }}
      />
      <WorkList
        title="Waiting for parts"
        description="The whole shop’s, the longest waiting first."
        total={work.waitingParts.total}
        href={waitingHref}
        rows={work.waitingParts.rows}
        empty={{ icon: <PackageSearch />, text: "No repair is waiting for parts." }}
      />
      <WorkList
        title="Recently changed"
        description="The last saves anyone made."
        total={null}
        href="/work-items"
        rows={work.recent}
        empty={{ icon: <Wrench />, text: "No repairs yet." }}
      />
    </div>
  );
}

function WorkList({
  title,
  description,
  total,
  href,
  rows,
  empty,
  className,
}: {
  title: string;
  description: string;
  /** How many the list holds in all (null: not counted, the link says "All work items"). */
  total: number | null;
  href: string;
  rows: (WorkCard | RecentCard)[];
  empty: { icon: React.ReactNode; text: string };
  className?: string;
}) {
  const headingId = `my-work-${title.toLowerCase().replaceAll(/\W+/g, "-")}`;
  return (
    <Card className={className} aria-labelledby={headingId}>
      <CardHeader className="items-center">
        <div>
          <CardTitle id={headingId}>
            {title}
            {total !== null ? <span className="ml-2 font-normal text-slate-500">{total}</span> : null}
          </CardTitle>
          <CardDescription>{description}</CardDescription>
        </div>
        {total === null || total > rows.length ? (
          <Link href={href} className={buttonVariants({ variant: "link", size: "sm" })}>
            {total === null ? "All work items" : `All ${total}`}
            <ArrowRight aria-hidden="true" />
          </Link>
        ) : null}
      </CardHeader>
      <CardContent className="p-0">
        {rows.length === 0 ? (
          <p className="flex items-center justify-center gap-2 px-5 py-8 text-center text-sm text-slate-600 [&_svg]:size-4 [&_svg]:shrink-0 [&_svg]:text-slate-400">
            {empty.icon}
            {empty.text}
          </p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {rows.map((row) => (
              <li key={row.id}>
                <Link
                  href={`/work-items/${row.id}`}
                  className="flex flex-col gap-1.5 px-5 py-3 text-sm hover:bg-slate-50 focus-visible:bg-slate-50 focus-visible:outline-none sm:flex-row sm:items-start sm:gap-4"
                >
                  <div className="min-w-0 sm:flex-1">
                    <p className="flex flex-wrap items-baseline gap-x-2">
                      <span className="font-mono text-[13px] text-indigo-700">{row.reference}</span>
                      <span className="font-medium break-words text-slate-900">{row.title}</span>
                    </p>
                    <p className="truncate text-xs text-slate-600">
                      {row.customerName} · {row.device}
                    </p>
                  </div>
                  <div className="flex flex-wrap items-center gap-2">
                    {row.priority === "express" ? <PriorityBadge priority={row.priority} /> : null}
                    <StatusBadge status={row.status} />
                    <span className="text-xs text-slate-500">
                      <Time value={row.updatedAt} format="ago" />
                      {"changedBy" in row && row.changedBy ? ` · ${row.changedBy}` : ""}
                    </span>
                  </div>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}
