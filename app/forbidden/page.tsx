import { ShieldAlert } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { ROLE_LABELS } from "@/components/auth/labels";
import { RoleBadge } from "@/components/auth/role-badge";
import { Button } from "@/components/ui/button";
import { signOutAction } from "@/server/auth/actions";
import { getCurrentUser } from "@/server/auth/guard";
import { SIGN_IN_PATH, safeNextPath } from "@/server/auth/paths";
import { isRole } from "@/server/auth/roles";

export const metadata: Metadata = { title: "No access" };
export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<{ need?: string; from?: string }> };

/** Where requireUser(role) sends a signed-in user whose role is too low. */
export default async function ForbiddenPage({ searchParams }: Props) {
  const user = await getCurrentUser();
  if (!user) redirect(SIGN_IN_PATH);
  const { need, from } = await searchParams;
  const page = safeNextPath(from, "");

  return (
    <main className="flex min-h-dvh items-center justify-center bg-slate-100 px-4 py-10">
      <div className="w-full max-w-md rounded-xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
        <ShieldAlert aria-hidden="true" className="size-8 text-amber-600" />
        <h1 className="mt-3 text-xl font-semibold text-slate-900">You don’t have access to this page</h1>
        <p className="mt-2 text-sm text-slate-700">
          {page ? (
            <>
              <code className="rounded bg-slate-100 px-1 font-mono">{page}</code> needs{" "}
            </>
          ) : (
            "This page needs "
          )}
          {isRole(need) ? `the ${ROLE_LABELS[need]} role` : "a higher role"}. You are signed in as{" "}
          <span className="font-medium">{user.name}</span> <RoleBadge role={user.role} />
        </p>
        <p className="mt-2 text-sm text-slate-600">Ask an admin if you need it.</p>
        <div className="mt-6 flex flex-wrap gap-3">
          <Button asChild>
            <Link href="/">Go to the dashboard</Link>
          </Button>
          <form action={signOutAction}>
            <Button type="submit" variant="secondary">
              Sign in as someone else
            </Button>
          </form>
        </div>
      </div>
    </main>
  );
}
