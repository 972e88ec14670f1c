import { DeliveryOverview, RecentFailures } from "@/components/dashboard/dashboard-sections";
import { getDb } from "@/db/client";
import { getTimeZoneChoice } from "@/server/preferences/time-zone";
import {
  countDeliveriesPerHour,
  getOldestPending,
  listIntegrationStats,
  listRecentFailures,
} from "@/server/syncs/dashboard";

/**
 * The dashboard's sections, each an async server component the page renders inside its own
 * <Suspense> (and SectionBoundary), so each streams in when its queries are done and a failing one
 * does not take the page down. They load the data; components/dashboard only presents it.
 */

export async function DeliveryOverviewSection() {
  const db = getDb();
  const [hours, stats, oldest, { zone }] = await Promise.all([
    countDeliveriesPerHour(db),
    listIntegrationStats(db),
    getOldestPending(db),
    getTimeZoneChoice(),
  ]);
  return <DeliveryOverview hours={hours} stats={stats} oldest={oldest} zone={zone} />;
}

export async function RecentFailuresSection({ showExplorer }: { showExplorer: boolean }) {
  const failures = await listRecentFailures(getDb(), 8);
  return <RecentFailures failures={failures} showExplorer={showExplorer} />;
}
