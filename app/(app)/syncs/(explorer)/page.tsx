import { Download } from "lucide-react";
import type { Metadata } from "next";
import { PageHeader } from "@/components/app-shell/page-header";
import { RecoverForm } from "@/components/syncs/recover-form";
import { SyncExplorer } from "@/components/syncs/sync-explorer";
import { buttonVariants } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { getDb } from "@/db/client";
import { requireUser } from "@/server/auth/guard";
import { getTimeZoneChoice } from "@/server/preferences/time-zone";
import { listIntegrationOptions, listSyncCountsByObject, listSyncs } from "@/server/syncs/explorer";
import { explorerQuery, parseExplorerParams } from "@/server/syncs/explorer-params";
import { previewRecoveryAction, recoverFailedAction } from "../actions";

export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ searchParams }: Props): Promise<Metadata> {
  return {
    title: parseExplorerParams(await searchParams).view === "objects" ? "By work item · Syncs" : "Syncs",
  };
}

export default async function SyncsPage({ searchParams }: Props) {
  await requireUser("manager");
  const params = parseExplorerParams(await searchParams);
  const db = getDb();
  const { zone } = await getTimeZoneChoice();
  const [integrations, data] = await Promise.all([
    listIntegrationOptions(db),
    params.view === "objects"
      ? listSyncCountsByObject(db, params, zone).then((d) => ({ view: "objects" as const, ...d }))
      : listSyncs(db, params, zone).then((d) => ({ view: "syncs" as const, ...d })),
  ]);
  return (
    <>
      <PageHeader
        title="Syncs"
        description="Every sync to every integration. Filters, sorting and the page live in the address bar."
        actions={
          params.view === "syncs" ? (
            // Every sync the filters match, in this order; not only the page on screen.
            <a
              href={`/api/syncs/export.csv${explorerQuery({ ...params, page: 1 })}`}
              download
              className={buttonVariants({ variant: "secondary", size: "sm" })}
            >
              <Download aria-hidden />
              Export CSV
            </a>
          ) : null
        }
      />
      <div className="space-y-6">
        <SyncExplorer params={params} integrations={integrations} {...data} />
        <Card>
          <CardHeader>
            <div>
              <CardTitle>Recover failed syncs</CardTitle>
              <CardDescription>
                Sends the failed deliveries of one integration (or all) since a time again, in the order the
                changes were made, each once. You see what will be sent before it goes.
              </CardDescription>
            </div>
          </CardHeader>
          <CardContent>
            <RecoverForm
              preview={previewRecoveryAction}
              recover={recoverFailedAction}
              integrations={integrations}
              offerAll
            />
          </CardContent>
        </Card>
      </div>
    </>
  );
}
