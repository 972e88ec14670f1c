import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/app-shell/page-header";
import { IntegrationForm } from "@/components/integrations/integration-form";
import { Card, CardContent } from "@/components/ui/card";
import { requireUser } from "@/server/auth/guard";
import { createIntegrationAction } from "../actions";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "New integration · Integrations" };

export default async function NewIntegrationPage() {
  await requireUser("admin");
  return (
    <>
      <PageHeader
        eyebrow={
          <Link href="/integrations" className="hover:text-slate-900 hover:underline">
            ← Integrations
          </Link>
        }
        title="New integration"
        description="Deliveries are signed (Standard Webhooks); the secret is shown once after you create it."
      />
      <Card className="max-w-3xl">
        <CardContent className="p-5 sm:p-6">
          <IntegrationForm mode="create" action={createIntegrationAction} />
        </CardContent>
      </Card>
    </>
  );
}
