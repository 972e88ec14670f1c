import { Plus } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/app-shell/page-header";
import { buttonVariants } from "@/components/ui/button";
import type { WorkItemListItem } from "@/components/work-items/columns";
import { WorkItemsTable } from "@/components/work-items/work-items-table";
import { getDb } from "@/db/client";
import { requireUser } from "@/server/auth/guard";
import { parseWorkItemListParams } from "@/server/work-items/list-params";
import { listTechnicians, listWorkItems } from "@/server/work-items/work-items";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Work items" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function WorkItemsPage({ searchParams }: Props) {
  await requireUser();
  const params = parseWorkItemListParams(await searchParams);
  const db = getDb();
  const [{ rows, total }, technicians] = await Promise.all([listWorkItems(db, params), listTechnicians(db)]);
  const items: WorkItemListItem[] = rows.map((r) => ({
    id: r.id,
    reference: r.reference,
    title: r.title,
    customerName: r.customerName,
    device: r.device,
    serialNumber: r.serialNumber,
    status: r.status,
    priority: r.priority,
    technicianName: r.technicianName,
    updatedAt: r.updatedAt.toISOString(),
  }));
  return (
    <>
      <PageHeader
        title="Work items"
        description="Every repair in the shop. Search, filter and sort — the address bar keeps your view."
        actions={
          <Link href="/work-items/new" className={buttonVariants({ variant: "primary" })}>
            <Plus aria-hidden="true" />
            New work item
          </Link>
        }
      />
      <WorkItemsTable
        rows={items}
        total={total}
        params={params}
        technicians={technicians.map((t) => ({ id: t.id, name: t.name }))}
      />
    </>
  );
}
