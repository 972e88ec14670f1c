import { Wrench } from "lucide-react";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { TimeZoneSync } from "@/components/time-zone/time-zone-sync";
import { getCurrentUser } from "@/server/auth/guard";
import { safeNextPath } from "@/server/auth/paths";
import { DEMO_PASSWORD, DEMO_USERS } from "@/server/auth/seed-users";
import { getTimeZoneChoice } from "@/server/preferences/time-zone";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<{ next?: string | string[] }> };

export default async function SignInPage({ searchParams }: Props) {
  const { next: rawNext } = await searchParams;
  const next = safeNextPath(Array.isArray(rawNext) ? rawNext[0] : rawNext);
  if (await getCurrentUser()) redirect(next);

  const demo =
    process.env.NODE_ENV !== "production"
      ? {
          accounts: DEMO_USERS.map((u) => ({ email: u.email, name: u.name, role: u.role })),
          password: DEMO_PASSWORD,
        }
      : null;

  const { detected } = await getTimeZoneChoice();
  return (
    <main className="flex min-h-dvh items-center justify-center bg-slate-100 px-4 py-10">
      <TimeZoneSync detected={detected} refresh={false} />
      <div className="w-full max-w-sm">
        <div className="mb-6 flex flex-col items-center gap-2 text-center">
          <span className="inline-flex size-11 items-center justify-center rounded-xl bg-slate-900 text-white shadow">
            <Wrench aria-hidden="true" className="size-6" />
          </span>
          <p className="text-lg font-semibold tracking-tight text-slate-900">Fixed Service</p>
        </div>
        <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
          <h1 className="text-xl font-semibold text-slate-900">Sign in</h1>
          <p className="mt-1 mb-6 text-sm text-slate-600">Use the account your shop admin gave you.</p>
          <SignInForm next={next} demo={demo} />
        </div>
      </div>
    </main>
  );
}
