import { SearchX } from "lucide-react";
import Link from "next/link";
import { sectionOf } from "@/components/app-shell/sections";
import { StatusPage } from "@/components/app-shell/status-page";
import { buttonVariants } from "@/components/ui/button";
import { currentPath, getCurrentUser, hasRole } from "@/server/auth/guard";
import { safeNextPath } from "@/server/auth/paths";

/**
 * The 404 of every signed-in page (an unknown id, an address that matches nothing), in the app's shell,
 * with a way back to the section the address was in when the user may open it.
 */
export default async function NotFound() {
  const user = await getCurrentUser();
  const path = safeNextPath(await currentPath(), "");
  const pathname = path.split("?")[0];
  const section = path ? sectionOf(path) : null;
  const back = section && hasRole(user, section.role) ? section : null;
  return (
    <StatusPage
      icon={<SearchX />}
      code={404}
      title="This page doesn’t exist"
      actions={
        <>
          {back ? (
            <Link href={back.href} className={buttonVariants({ variant: "primary" })}>
              Back to {back.label.toLowerCase()}
            </Link>
          ) : null}
          <Link href="/" className={buttonVariants({ variant: back ? "secondary" : "primary" })}>
            Go to the dashboard
          </Link>
        </>
      }
    >
      <title>Page not found · Fixed Service</title>
      <p>
        {pathname ? (
          <>
            Nothing is at <code className="rounded bg-slate-100 px-1 font-mono break-all">{pathname}</code>.
          </>
        ) : (
          "Nothing is at this address."
        )}{" "}
        The link may be wrong, or what it pointed to no longer exists.
      </p>
    </StatusPage>
  );
}
