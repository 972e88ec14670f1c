import { Wrench } from "lucide-react";
import Link from "next/link";
import { MainNav } from "@/components/app-shell/nav-links";
import { type BannerNotice, NoticeBanner } from "@/components/app-shell/notice-banner";
import { APP_SECTIONS } from "@/components/app-shell/sections";
import { SignedInAs, UserMenu } from "@/components/auth/user-menu";
import { TimeZoneSync } from "@/components/time-zone/time-zone-sync";
import { TimeZoneProvider } from "@/components/ui/time";
import { getDb } from "@/db/client";
import { signOutAction } from "@/server/auth/actions";
import { hasRole, requireUser, type SessionUser } from "@/server/auth/guard";
import { demoReceiverEnabled } from "@/server/demo/demo-receiver";
import { listOpenNotices } from "@/server/notifications/notices";
import { getTimeZoneChoice } from "@/server/preferences/time-zone";
import { acknowledgeNoticeAction, setTimeZoneAction } from "./actions";

export const dynamic = "force-dynamic";

/** Managers and admins see open notices; technicians none (they cannot act on an integration). */
async function bannerNotices(user: SessionUser): Promise<BannerNotice[]> {
  if (!hasRole(user, "manager")) return [];
  const admin = hasRole(user, "admin");
  return (await listOpenNotices(getDb())).map((n) => ({
    id: n.id,
    text: n.text,
    createdAt: n.createdAt.toISOString(),
    integration: n.integration,
    href: !n.integration
      ? "/syncs"
      : admin
        ? `/integrations/${n.integration.id}`
        : `/syncs?integration=${n.integration.id}`,
  }));
}

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  const links = APP_SECTIONS.filter(
    (link) => hasRole(user, link.role) && (link.href !== "/demo-receiver" || demoReceiverEnabled()),
  ).map(({ href, label }) => ({
    href,
    // The home page is the technician's own work, the others' delivery dashboard (app/(app)/page.tsx).
    label: href === "/" && !hasRole(user, "manager") ? "My work" : label,
  }));
  const [notices, timeZone] = await Promise.all([bannerNotices(user), getTimeZoneChoice()]);
  return (
    <TimeZoneProvider zone={timeZone.zone}>
      <TimeZoneSync detected={timeZone.detected} />
      <div className="flex min-h-dvh flex-col">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:rounded-md focus:bg-white focus:px-3 focus:py-2 focus:shadow"
        >
          Skip to content
        </a>
        <header className="sticky top-0 z-40 border-b border-slate-200 bg-white/95 backdrop-blur">
          <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-3 gap-y-2 px-4 py-2.5 sm:gap-x-6 sm:px-6">
            <Link
              href="/"
              className="flex items-center gap-2 rounded-md font-semibold tracking-tight text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600"
            >
              <span className="inline-flex size-8 items-center justify-center rounded-lg bg-slate-900 text-white">
                <Wrench aria-hidden="true" className="size-4" />
              </span>
              Fixed Service
            </Link>
            <div className="ml-auto md:order-last">
              <UserMenu
                user={user}
                signOutAction={signOutAction}
                timeZone={timeZone}
                setTimeZoneAction={setTimeZoneAction}
              />
            </div>
            <MainNav links={links} account={<SignedInAs user={user} />} />
          </div>
        </header>
        <NoticeBanner notices={notices} action={acknowledgeNoticeAction} />
        <main id="main" className="mx-auto w-full max-w-7xl flex-1 px-4 py-6 sm:px-6 sm:py-8">
          {children}
        </main>
      </div>
    </TimeZoneProvider>
  );
}
