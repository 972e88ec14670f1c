import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/app-shell/page-header";
import { AuditTrail } from "@/components/audit/audit-trail";
import { AttemptsList, PayloadView } from "@/components/syncs/attempts-list";
import { formatMs } from "@/components/syncs/format";
import { EVENT_TYPE_LABELS, SUBJECT_LABELS } from "@/components/syncs/labels";
import { PendingRefresher } from "@/components/syncs/pending-refresher";
import { ResendButton } from "@/components/syncs/resend-button";
import { SyncStatusBadge } from "@/components/syncs/sync-status-badge";
import { Alert } from "@/components/ui/alert";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Time } from "@/components/ui/time";
import { getDb } from "@/db/client";
import { listAuditEntriesFor } from "@/server/audit/audit";
import { auditQuery } from "@/server/audit/params";
import { getCurrentUser, hasRole, requireUser } from "@/server/auth/guard";
import { getTimeZoneChoice } from "@/server/preferences/time-zone";
import { resendSyncAction } from "../actions";
import { loadSync } from "./load";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const user = await getCurrentUser();
  const sync = user ? await loadSync((await params).id, user.role) : null;
  return { title: sync ? `Sync ${sync.id} · ${sync.reference} · Syncs` : "Sync not found" };
}

export default async function SyncDetailPage({ params }: Props) {
  const user = await requireUser();
  const sync = await loadSync((await params).id, user.role);
  if (!sync) notFound();
  const canResend = hasRole(user, "manager") && sync.status !== "pending";
  // Who resent it: managers and admins read it here; the whole log is the admins'.
  const activity = hasRole(user, "manager") ? await listAuditEntriesFor(getDb(), "sync", sync.id) : null;

  const facts: [string, React.ReactNode][] = [
    ["Integration", sync.integrationName],
    [
      "URL",
      <span key="url" className="font-mono text-xs break-all">
        {sync.integrationUrl}
      </span>,
    ],
    ["Event", EVENT_TYPE_LABELS[sync.eventType]],
    ["Object", `${SUBJECT_LABELS[sync.subjectType]} ${sync.subjectId}, revision ${sync.revision}`],
    ["Attempts", sync.attemptCount],
    ["Last response", sync.lastStatusCode !== null ? `HTTP ${sync.lastStatusCode}` : "—"],
    ["Last latency", formatMs(sync.lastDurationMs)],
    ["Created", <Time key="c" value={sync.createdAt} />],
    ["Completed", sync.completedAt ? <Time key="d" value={sync.completedAt} /> : "—"],
    [
      "webhook-id",
      <span key="w" className="font-mono text-xs break-all">
        {sync.webhookId}
      </span>,
    ],
  ];

  return (
    <>
      <PendingRefresher active={sync.status === "pending"} />
      <PageHeader
        eyebrow={
          <span className="flex flex-wrap gap-x-3">
            {hasRole(user, "manager") ? (
              <Link href="/syncs" className="hover:text-slate-900 hover:underline">
                ← Syncs
              </Link>
            ) : null}
            <Link href={`/work-items/${sync.workItemId}`} className="hover:text-slate-900 hover:underline">
              {sync.reference} timeline
            </Link>
          </span>
        }
        title={
          <span className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <span>Sync {sync.id}</span>
            <SyncStatusBadge status={sync.status} />
          </span>
        }
        description={`${EVENT_TYPE_LABELS[sync.eventType]} of ${sync.reference} to ${sync.integrationName}`}
        actions={
          canResend ? (
            <ResendButton action={resendSyncAction} syncId={sync.id} refresh size="md" variant="primary" />
          ) : null
        }
      />
      {sync.status === "failed" && sync.lastError ? (
        <Alert variant="error" title="This sync failed" className="mb-6">
          {sync.lastError}
        </Alert>
      ) : null}
      <div className="grid grid-cols-1 items-start gap-6 lg:grid-cols-[20rem_minmax(0,1fr)]">
        <div className="min-w-0 space-y-6">
          <Card>
            <CardHeader>
              <CardTitle>Sync</CardTitle>
            </CardHeader>
            <CardContent>
              <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-2 text-sm">
                {facts.map(([label, value]) => (
                  <div key={label} className="contents">
                    <dt className="text-slate-500">{label}</dt>
                    <dd className="min-w-0 text-slate-900">{value}</dd>
                  </div>
                ))}
              </dl>
            </CardContent>
          </Card>
          {activity ? (
            <AuditTrail
              entries={activity}
              zone={(await getTimeZoneChoice()).zone}
              description="Resends by hand, newest first."
              logHref={
                hasRole(user, "admin")
                  ? `/admin/audit${auditQuery({ targetType: "sync", target: String(sync.id) })}`
                  : null
              }
            />
          ) : null}
        </div>
        <div className="min-w-0 space-y-6">
          <Card>
            <CardHeader>
              <div>
                <CardTitle>Attempts</CardTitle>
                <CardDescription>
                  Each HTTP try, oldest first. Secrets in headers and URL query strings are redacted.
                </CardDescription>
              </div>
            </CardHeader>
            <CardContent>
              <AttemptsList attempts={sync.attempts} />
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <div>
                <CardTitle>Payload</CardTitle>
                <CardDescription>The JSON body every attempt sends.</CardDescription>
              </div>
            </CardHeader>
            <CardContent>
              <PayloadView payload={sync.payload} />
            </CardContent>
          </Card>
        </div>
      </div>
    </>
  );
}
