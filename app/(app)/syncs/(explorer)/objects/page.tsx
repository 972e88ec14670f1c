import { redirect } from "next/navigation";
import { explorerQuery, parseExplorerParams } from "@/server/syncs/explorer-params";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** `/syncs/objects` is the explorer's "by work item" view. */
export default async function SyncsByObjectPage({ searchParams }: Props) {
  const params = parseExplorerParams(await searchParams);
  redirect(`/syncs${explorerQuery({ ...params, view: "objects" })}`);
}
