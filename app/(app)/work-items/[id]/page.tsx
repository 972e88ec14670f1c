import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { resendSyncAction } from "@/app/(app)/syncs/actions";
import { PageHeader } from "@/components/app-shell/page-header";
import { SyncTimelineClient } from "@/components/syncs/sync-timeline-client";
import { SyncTimelineSkeleton } from "@/components/syncs/sync-timeline-skeleton";
import { Alert } from "@/components/ui/alert";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Time } from "@/components/ui/time";
import { PriorityBadge, StatusBadge } from "@/components/work-items/badges";
import { StatusActions } from "@/components/work-items/status-actions";
import { TaskList } from "@/components/work-items/task-list";
import { WorkItemForm } from "@/components/work-items/work-item-form";
import { getDb } from "@/db/client";
import { env } from "@/lib/env";
import { parseId } from "@/lib/ids";
import { formatMoney } from "@/lib/money";
import { getCurrentUser, hasRole, requireUser } from "@/server/auth/guard";
import { listTimeline } from "@/server/syncs/timeline";
import { workItemFormValues } from "@/server/work-items/form-values";
import { listTasks } from "@/server/work-items/tasks";
import { getLatestWorkItemChange, getWorkItem, listTechnicians } from "@/server/work-items/work-items";
import { createTaskAction, updateTaskAction, updateWorkItemAction } from "./actions";

export const dynamic = "force-dynamic";

type Props = {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ created?: string }>;
};

/**
 * The sync timeline section: reads the newest page on the server (streamed in its own Suspense
 * boundary), then the client component keeps it live. Managers get the resend action.
 */
async function SyncTimelineSection({ workItemId }: { workItemId: number }) {
  const user = await getCurrentUser();
  const page = await listTimeline(getDb(), workItemId, { viewer: user?.role ?? "technician" });
  return (
    <SyncTimelineClient
      workItemId={workItemId}
      initial={page}
      resendAction={hasRole(user, "manager") ? resendSyncAction : undefined}
    />
  );
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const id = parseId((await params).id);
  const item = id ? await getWorkItem(getDb(), id) : null;
  return { title: item ? `${item.reference} · Work items` : "Work item not found" };
}

export default async function WorkItemPage({ params, searchParams }: Props) {
  const viewer = await requireUser();
  const id = parseId((await params).id);
  if (!id) notFound();
  const db = getDb();
  const [item, tasks, technicians, lastChange] = await Promise.all([
    getWorkItem(db, id),
    listTasks(db, id),
    listTechnicians(db),
    getLatestWorkItemChange(db, id),
  ]);
  if (!item) notFound();
  const { created } = await searchParams;

  return (
    <>
      <PageHeader
        eyebrow={
          <Link href="/work-items" className="hover:text-slate-900 hover:underline">
            ← Work items
          </Link>
        }
        title={
          <span className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <span className="font-mono text-lg font-medium text-slate-500">{item.reference}</span>
            <span>{item.title}</span>
          </span>
        }
        description={
          <span className="flex flex-wrap items-center gap-x-3 gap-y-2">
            <StatusBadge status={item.status} />
            <PriorityBadge priority={item.priority} />
            <span>
              Revision <span className="font-medium text-slate-900 tabular-nums">{item.revision}</span>
            </span>
            <span aria-hidden="true" className="text-slate-300">
              ·
            </span>
            <span>
              Updated <Time value={item.updatedAt} format="datetime-minutes" />
              {lastChange?.actorName ? ` by ${lastChange.actorName}` : ""}
            </span>
          </span>
        }
      />

      {created ? (
        <Alert variant="success" className="mb-6" role="status">
          Work item {item.reference} created.
        </Alert>
      ) : null}

      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <Card>
          <CardHeader>
            <div>
              <CardTitle>Details</CardTitle>
              <CardDescription>
                Saving records a change that is sent to the shop&apos;s integrations.
              </CardDescription>
            </div>
          </CardHeader>
          <CardContent className="p-5 sm:p-6">
            <WorkItemForm
              mode="edit"
              action={updateWorkItemAction}
              workItemId={item.id}
              initialValues={workItemFormValues(item)}
              technicians={technicians.map((t) => ({ id: t.id, name: t.name }))}
              currentUserId={viewer.id}
              currency={env().SHOP_CURRENCY}
            />
          </CardContent>
        </Card>

        <div className="space-y-6">
          <Card aria-labelledby="status-heading">
            <CardHeader>
              <div>
                <CardTitle id="status-heading">Status</CardTitle>
                <CardDescription>
                  Currently <StatusBadge status={item.status} />
                </CardDescription>
              </div>
            </CardHeader>
            <CardContent>
              <StatusActions
                workItemId={item.id}
                revision={item.revision}
                status={item.status}
                action={updateWorkItemAction}
              />
            </CardContent>
          </Card>

          <Card aria-labelledby="tasks-heading">
            <CardHeader>
              <CardTitle id="tasks-heading">Tasks</CardTitle>
            </CardHeader>
            <CardContent>
              <TaskList
                workItemId={item.id}
                tasks={tasks.map((t) => ({ id: t.id, title: t.title, done: t.done, revision: t.revision }))}
                createAction={createTaskAction}
                updateAction={updateTaskAction}
              />
            </CardContent>
          </Card>

          <Card aria-labelledby="summary-heading">
            <CardHeader>
              <CardTitle id="summary-heading">Summary</CardTitle>
            </CardHeader>
            <CardContent>
              <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-2 text-sm">
                <dt className="text-slate-500">Customer</dt>
                <dd className="text-slate-900">{item.customerName}</dd>
                {item.customerEmail ? (
                  <>
                    <dt className="text-slate-500">E-mail</dt>
                    <dd className="truncate">
                      <a href={`mailto:${item.customerEmail}`} className="text-indigo-700 hover:underline">
                        {item.customerEmail}
                      </a>
                    </dd>
                  </>
                ) : null}
                {item.customerPhone ? (
                  <>
                    <dt className="text-slate-500">Phone</dt>
                    <dd>
                      <a
                        href={`tel:${item.customerPhone.replace(/\s/g, "")}`}
                        className="text-indigo-700 hover:underline"
                      >
                        {item.customerPhone}
                      </a>
                    </dd>
                  </>
                ) : null}
                <dt className="text-slate-500">Device</dt>
                <dd className="text-slate-900">{item.device}</dd>
                <dt className="text-slate-500">Serial</dt>
                <dd className="font-mono text-[13px] text-slate-900">{item.serialNumber ?? "—"}</dd>
                <dt className="text-slate-500">Technician</dt>
                <dd className="text-slate-900">{item.technicianName ?? "Unassigned"}</dd>
                <dt className="text-slate-500">Price</dt>
                <dd className="text-slate-900 tabular-nums">
                  {formatMoney(item.priceCents, env().SHOP_CURRENCY)}
                </dd>
                <dt className="text-slate-500">Created</dt>
                <dd className="text-slate-900">
                  <Time value={item.createdAt} format="datetime-minutes" />
                </dd>
              </dl>
            </CardContent>
          </Card>
        </div>

        <div className="lg:col-span-2">
          <Suspense fallback={<SyncTimelineSkeleton />}>
            <SyncTimelineSection workItemId={item.id} />
          </Suspense>
        </div>
      </div>
    </>
  );
}
