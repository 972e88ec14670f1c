import type { Metadata } from "next";
import { PageHeader } from "@/components/app-shell/page-header";
import { AuditLog } from "@/components/audit/audit-log";
import { getDb } from "@/db/client";
import { listAuditActors, listAuditEntries } from "@/server/audit/audit";
import { parseAuditParams } from "@/server/audit/params";
import { requireUser } from "@/server/auth/guard";

export const metadata: Metadata = { title: "Audit log" };
export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function AuditPage({ searchParams }: Props) {
  await requireUser("admin");
  const params = parseAuditParams(await searchParams);
  const db = getDb();
  const [{ rows, total }, actors] = await Promise.all([listAuditEntries(db, params), listAuditActors(db)]);
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Who resent, recovered, paused, resumed, rotated or changed what, and whether it happened. Newest first; filters live in the address bar."
      />
      <AuditLog params={params} rows={rows} total={total} actors={actors} />
    </>
  );
}
