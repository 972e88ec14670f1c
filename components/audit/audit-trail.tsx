import { History } from "lucide-react";
import Link from "next/link";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { timeTitle } from "@/lib/time";
import type { AuditRow } from "@/server/audit/audit";
import { describeAuditEntry } from "./labels";

/** An object's recent manual and administrative acts ("Resent by Mara Manager at 10:42"), for its page. */
export function AuditTrail({
  entries,
  logHref,
  description,
  zone,
}: {
  entries: AuditRow[];
  /** The user's zone (server/preferences/time-zone.ts). */
  zone: string;
  /** The audit log filtered to this object, for admins; managers cannot open it. */
  logHref: string | null;
  description: string;
}) {
  return (
    <Card aria-labelledby="activity-heading">
      <CardHeader>
        <div>
          <CardTitle id="activity-heading">Activity</CardTitle>
          <CardDescription>{description}</CardDescription>
        </div>
        {logHref ? (
          <Link href={logHref} className="text-sm font-medium text-indigo-700 hover:text-indigo-900">
            Audit log
          </Link>
        ) : null}
      </CardHeader>
      <CardContent>
        {entries.length === 0 ? (
          <p className="flex items-center gap-2 text-sm text-slate-600">
            <History aria-hidden className="size-4" />
            No one has acted on it by hand yet.
          </p>
        ) : (
          <ul className="space-y-2 text-sm">
            {entries.map((e) => (
              <li key={e.id} className={e.outcome === "refused" ? "text-red-800" : "text-slate-800"}>
                <time dateTime={e.at} title={timeTitle(e.at, zone)}>
                  {describeAuditEntry(e, zone)}
                </time>
              </li>
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}
