import { Plus } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { PageHeader } from "@/components/app-shell/page-header";
import { ListSkeleton, OverviewSkeleton } from "@/components/dashboard/dashboard-sections";
import { SectionBoundary } from "@/components/dashboard/section-boundary";
import { buttonVariants } from "@/components/ui/button";
import { hasRole, requireUser } from "@/server/auth/guard";
import { DeliveryOverviewSection, RecentFailuresSection } from "./_sections";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Dashboard" };

/**
 * The delivery dashboard, for every role: the numbers are read-only, so technicians see them too;
 * links into the explorer (a manager page) only show for managers and admins.
 */
export default async function DashboardPage() {
  const user = await requireUser();
  const manager = hasRole(user, "manager");
  return (
    <>
      <PageHeader
        title={`Hello, ${user.name.split(" ")[0]}`}
        description="How the shop’s changes are reaching its other tools."
        actions={
          <>
            {manager ? (
              <Link href="/syncs" className={buttonVariants({ variant: "secondary" })}>
                Sync explorer
              </Link>
            ) : (
              <Link href="/work-items" className={buttonVariants({ variant: "secondary" })}>
                Work items
              </Link>
            )}
            <Link href="/work-items/new" className={buttonVariants({ variant: "primary" })}>
              <Plus aria-hidden="true" />
              New work item
            </Link>
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
            <RecentFailuresSection showExplorer={manager} />
          </Suspense>
        </SectionBoundary>
      </div>
    </>
  );
}
