import { ShieldAlert } from "lucide-react";
import Link from "next/link";
import { sectionOf } from "@/components/app-shell/sections";
import { StatusPage } from "@/components/app-shell/status-page";
import { ROLE_LABELS } from "@/components/auth/labels";
import { RoleBadge } from "@/components/auth/role-badge";
import { Button, buttonVariants } from "@/components/ui/button";
import { signOutAction } from "@/server/auth/actions";
import { currentPath, getCurrentUser } from "@/server/auth/guard";
import { safeNextPath } from "@/server/auth/paths";

/** What requireUser(role) answers a signed-in user whose role is too low: a 403, in the app's shell. */
export default async function Forbidden() {
  const user = await getCurrentUser();
  const path = safeNextPath(await currentPath(), "");
  const pathname = path.split("?")[0];
  const need = path ? sectionOf(path)?.role : undefined;
  return (
    <StatusPage
      icon={<ShieldAlert className="text-amber-600" />}
      code={403}
      title="You don’t have access to this page"
      actions={
        <>
          <Link href="/" className={buttonVariants({ variant: "primary" })}>
            Go to the dashboard
          </Link>
          <form action={signOutAction}>
            <Button type="submit" variant="secondary">
              Sign in as someone else
            </Button>
          </form>
        </>
      }
    >
      <title>No access · Fixed Service</title>
      <p>
        {pathname ? (
          <>
            <code className="rounded bg-slate-100 px-1 font-mono break-all">{pathname}</code> needs{" "}
          </>
        ) : (
          "This page needs "
        )}
        {need ? `the ${ROLE_LABELS[need]} role` : "a higher role"}.
        {user ? (
          <>
            {" "}
            You are signed in as <span className="font-medium">{user.name}</span>{" "}
            <RoleBadge role={user.role} />
          </>
        ) : null}
      </p>
      <p className="text-slate-600">Ask an admin if you need it.</p>
    </StatusPage>
  );
}
