import { Plus } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { PageHeader } from "@/components/app-shell/page-header";
import { ListSkeleton, OverviewSkeleton } from "@/components/dashboard/dashboard-sections";
import { SectionBoundary } from "@/components/dashboard/section-boundary";
import { buttonVariants } from "@/components/ui/button";
import { MyWorkSections } from "@/components/work-items/my-work";
import { getDb } from "@/db/client";
import { hasRole, requireUser, type SessionUser } from "@/server/auth/guard";
import { workItemListQuery } from "@/server/work-items/list-params";
import { getMyWork, OPEN_STATUSES } from "@/server/work-items/my-work";
import { DeliveryOverviewSection, RecentFailuresSection } from "./_sections";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const user = await requireUser();
  return { title: hasRole(user, "manager") ? "Dashboard" : "My work" };
}

const newItemButton = (
  <Link href="/work-items/new" className={buttonVariants({ variant: "primary" })}>
    <Plus aria-hidden="true" />
    New work item
  </Link>
);

/**
 * Home. Technicians land on their own work (what is assigned to them, what waits for parts, what
 * changed last); managers and admins on the delivery dashboard. A technician still reads an item's
 * deliveries on its timeline and a sync's page from there; the explorer is the managers'.
 */
export default async function HomePage() {
  const user = await requireUser();
  return hasRole(user, "manager") ? <Dashboard user={user} /> : <TechnicianHome user={user} />;
}

async function TechnicianHome({ user }: { user: SessionUser }) {
  const work = await getMyWork(getDb(), user.id);
  return (
    <>
      <PageHeader
        title={`Hello, ${user.name.split(" ")[0]}`}
        description="Your repairs and what the shop changed last."
        actions={
          <>
            <Link href="/work-items" className={buttonVariants({ variant: "secondary" })}>
              All work items
            </Link>
            {newItemButton}
          </>
        }
      />
      <MyWorkSections
        work={work}
        assignedHref={`/work-items${workItemListQuery({ technicianId: user.id, status: [...OPEN_STATUSES] })}`}
        waitingHref={`/work-items${workItemListQuery({ status: ["waiting_parts"] })}`}
      />
    </>
  );
}

function Dashboard({ user }: { user: SessionUser }) {
  return (
    <>
      <PageHeader
        title={`Hello, ${user.name.split(" ")[0]}`}
        description="How the shop’s changes are reaching its other tools."
        actions={
          <>
            <Link href="/syncs" className={buttonVariants({ variant: "secondary" })}>
              Sync explorer
            </Link>
            {newItemButton}
          </>
        }
      />
      <SectionBoundary title="Delivery statistics">
        <Suspense fallback={<OverviewSkeleton />}>
          <DeliveryOverviewSection />
        </Suspense>
      </SectionBoundary>
      <div className="mt-6">
        <SectionBoundary title="Recent failures">
          <Suspense fallback={<ListSkeleton label="Loading recent failures" />}>
            <RecentFailuresSection showExplorer />
          </Suspense>
        </SectionBoundary>
      </div>
    </>
  );
}
