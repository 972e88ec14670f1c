import { Plus } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/app-shell/page-header";
import { IntegrationHealthList } from "@/components/integrations/integration-health-list";
import { buttonVariants } from "@/components/ui/button";
import { getDb } from "@/db/client";
import { requireUser } from "@/server/auth/guard";
import { listIntegrationHealth } from "@/server/integrations/health";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Integrations" };

export default async function IntegrationsPage() {
  await requireUser("admin");
  const integrations = await listIntegrationHealth(getDb());
  return (
    <>
      <PageHeader
        title="Integrations"
        description="Where changes are delivered, and how well each receiver is answering."
        actions={
          <Link href="/integrations/new" className={buttonVariants({ variant: "primary" })}>
            <Plus aria-hidden="true" />
            New integration
          </Link>
        }
      />
      <IntegrationHealthList integrations={integrations} />
    </>
  );
}
