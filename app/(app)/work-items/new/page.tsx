import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/app-shell/page-header";
import { Card, CardContent } from "@/components/ui/card";
import { WorkItemForm } from "@/components/work-items/work-item-form";
import { getDb } from "@/db/client";
import { env } from "@/lib/env";
import { requireUser } from "@/server/auth/guard";
import { workItemFormValues } from "@/server/work-items/form-values";
import { listTechnicians } from "@/server/work-items/work-items";
import { createWorkItemAction } from "../actions";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "New work item · Work items" };

export default async function NewWorkItemPage() {
  await requireUser();
  const technicians = await listTechnicians(getDb());
  return (
    <div className="mx-auto max-w-3xl">
      <PageHeader
        eyebrow={
          <Link href="/work-items" className="hover:text-slate-900 hover:underline">
            ← Work items
          </Link>
        }
        title="New work item"
        description="Book a repair in. It gets its RMA reference when you create it."
      />
      <Card>
        <CardContent className="p-5 sm:p-6">
          <WorkItemForm
            mode="create"
            action={createWorkItemAction}
            initialValues={workItemFormValues({})}
            technicians={technicians.map((t) => ({ id: t.id, name: t.name }))}
            onCancelHref="/work-items"
            currency={env().SHOP_CURRENCY}
          />
        </CardContent>
      </Card>
    </div>
  );
}
