import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { previewRecoveryAction, recoverFailedAction } from "@/app/(app)/syncs/actions";
import { PageHeader } from "@/components/app-shell/page-header";
import { AuditTrail } from "@/components/audit/audit-trail";
import { PauseResume, RotateSecret, SendTestEvent } from "@/components/integrations/integration-controls";
import { IntegrationForm } from "@/components/integrations/integration-form";
import {
  FailingSince,
  failedAttemptsText,
  IntegrationStateBadge,
} from "@/components/integrations/integration-health-list";
import { formatPercent } from "@/components/syncs/format";
import { RecoverForm } from "@/components/syncs/recover-form";
import { Alert } from "@/components/ui/alert";
import { buttonVariants } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Time } from "@/components/ui/time";
import { getDb } from "@/db/client";
import { listAuditEntriesFor } from "@/server/audit/audit";
import { auditQuery } from "@/server/audit/params";
import { getCurrentUser, hasRole, requireUser } from "@/server/auth/guard";
import { listIntegrationNotices } from "@/server/notifications/notices";
import { getTimeZoneChoice } from "@/server/preferences/time-zone";
import {
  pauseIntegrationAction,
  resumeIntegrationAction,
  rotateSecretAction,
  sendTestEventAction,
  updateIntegrationAction,
} from "../actions";
import { loadIntegration } from "./load";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  // The title is in the page a refused caller gets too: no name for anyone but an admin.
  if (!hasRole(await getCurrentUser(), "admin")) return { title: "Integrations" };
  const integration = await loadIntegration((await params).id);
  return { title: integration ? `${integration.name} · Integrations` : "Integration not found" };
}

export default async function IntegrationPage({ params }: Props) {
  await requireUser("admin");
  const integration = await loadIntegration((await params).id);
  if (!integration) notFound();
  const h = integration.health;
  // The notice written with this pause (same statement, same time), if it was an automatic one.
  const [[latest], activity] = await Promise.all([
    integration.pausedAt ? listIntegrationNotices(getDb(), integration.id, 1) : Promise.resolve([]),
    listAuditEntriesFor(getDb(), "integration", integration.id),
  ]);
  const notice =
    latest && integration.pausedAt && latest.createdAt.getTime() >= integration.pausedAt.getTime()
      ? latest
      : null;
  return (
    <>
      <PageHeader
        eyebrow={
          <Link href="/integrations" className="hover:text-slate-900 hover:underline">
            ← Integrations
          </Link>
        }
        title={
          <span className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <span className="break-all">{integration.name}</span>
            <IntegrationStateBadge active={integration.active} />
          </span>
        }
        description={
          <span className="flex flex-wrap gap-x-3 gap-y-1">
            <span>Success (24 h) {formatPercent(h.successRate24h)}</span>
            <span aria-hidden="true" className="text-slate-300">
              ·
            </span>
            <span>
              Last success {h.lastSuccessAt ? <Time value={h.lastSuccessAt} format="ago" /> : "never"}
            </span>
            <span aria-hidden="true" className="text-slate-300">
              ·
            </span>
            <span>{failedAttemptsText(h.consecutiveFailures)}</span>
            {h.failingSince ? (
              <>
                <span aria-hidden="true" className="text-slate-300">
                  ·
                </span>
                <FailingSince health={h} />
              </>
            ) : null}
            <span aria-hidden="true" className="text-slate-300">
              ·
            </span>
            <span>{h.pending} pending</span>
          </span>
        }
        actions={
          <Link
            href={`/syncs?integration=${integration.id}`}
            className={buttonVariants({ variant: "secondary" })}
          >
            Deliveries
          </Link>
        }
      />

      {!integration.active ? (
        <Alert variant="warning" title="Deliveries are paused" className="mb-6">
          {integration.pausedReason ?? "No reason given"}
          {integration.pausedAt ? (
            <span>
              {" "}
              (since <Time value={integration.pausedAt} />)
            </span>
          ) : null}
          . New changes wait; resuming delivers them oldest first.
          {notice ? (
            <span className="mt-1 block">
              Managers and admins were told.{" "}
              {notice.acknowledgedAt ? (
                <>
                  Acknowledged by {notice.acknowledgedByName ?? "a former user"} at{" "}
                  <Time value={notice.acknowledgedAt} />.
                </>
              ) : (
                "Not acknowledged yet."
              )}
            </span>
          ) : null}
        </Alert>
      ) : null}

      <div className="grid grid-cols-1 items-start gap-6 lg:grid-cols-[minmax(0,1fr)_24rem]">
        <Card>
          <CardHeader>
            <div>
              <CardTitle>Settings</CardTitle>
              <CardDescription>
                Name, webhook URL, the events it receives and an optional extra header.
              </CardDescription>
            </div>
          </CardHeader>
          <CardContent className="p-5 sm:p-6">
            <IntegrationForm
              mode="edit"
              action={updateIntegrationAction}
              integrationId={integration.id}
              initial={{
                name: integration.name,
                url: integration.url,
                eventTypes: integration.eventTypes,
                headerName: integration.headerName ?? "",
                hasHeaderValue: integration.hasHeaderValue,
              }}
            />
          </CardContent>
        </Card>

        <div className="min-w-0 space-y-6">
          <Card>
            <CardHeader>
              <div>
                <CardTitle>Test</CardTitle>
                <CardDescription>
                  Send a signed sample event now and see what the receiver answers.
                </CardDescription>
              </div>
            </CardHeader>
            <CardContent>
              <SendTestEvent integrationId={integration.id} action={sendTestEventAction} />
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <div>
                <CardTitle>Deliveries</CardTitle>
                <CardDescription>
                  {integration.active
                    ? "Pause to hold deliveries (e.g. during n8n maintenance)."
                    : "Resume to deliver everything that waited, oldest first."}
                </CardDescription>
              </div>
            </CardHeader>
            <CardContent>
              <PauseResume
                integrationId={integration.id}
                active={integration.active}
                pauseAction={pauseIntegrationAction}
                resumeAction={resumeIntegrationAction}
              />
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <div>
                <CardTitle>Signing secret</CardTitle>
                <CardDescription>
                  Shown only once, when created or rotated.
                  {integration.rotationGraceUntil ? (
                    <span>
                      {" "}
                      The previous secret still signs until <Time value={integration.rotationGraceUntil} />.
                    </span>
                  ) : null}
                </CardDescription>
              </div>
            </CardHeader>
            <CardContent>
              <RotateSecret integrationId={integration.id} action={rotateSecretAction} />
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <div>
                <CardTitle>Recover failed syncs</CardTitle>
                <CardDescription>
                  Send every failed delivery since a time again, in the order the changes were made.
                </CardDescription>
              </div>
            </CardHeader>
            <CardContent>
              <RecoverForm
                preview={previewRecoveryAction}
                recover={recoverFailedAction}
                integrations={[{ id: integration.id, name: integration.name }]}
              />
            </CardContent>
          </Card>
          <AuditTrail
            entries={activity}
            zone={(await getTimeZoneChoice()).zone}
            description="Who changed, paused, resumed, rotated or recovered it; the latest ten."
            logHref={`/admin/audit${auditQuery({ targetType: "integration", target: String(integration.id) })}`}
          />
        </div>
      </div>
    </>
  );
}
