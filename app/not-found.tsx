import { SearchX } from "lucide-react";
import Link from "next/link";
import { StatusPage } from "@/components/app-shell/status-page";
import { buttonVariants } from "@/components/ui/button";

/** The 404 outside the signed-in pages (signed-in addresses get app/(app)/not-found.tsx, in the shell). */
export default function RootNotFound() {
  return (
    <main className="px-4">
      <title>Page not found · Fixed Service</title>
      <StatusPage
        icon={<SearchX />}
        code={404}
        title="This page doesn’t exist"
        actions={
          <Link href="/" className={buttonVariants({ variant: "primary" })}>
            Go to Fixed Service
          </Link>
        }
      >
        <p>The link may be wrong, or the page may have moved.</p>
      </StatusPage>
    </main>
  );
}
