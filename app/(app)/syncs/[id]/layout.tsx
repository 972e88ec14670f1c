import { notFound } from "next/navigation";
import { requireUser } from "@/server/auth/guard";
import { loadSync } from "./load";

type Props = { children: React.ReactNode; params: Promise<{ id: string }> };

/**
 * An unknown sync is a real 404: checked here, above loading.tsx, because a page that calls notFound()
 * after its skeleton has streamed can only answer 200.
 */
export default async function SyncLayout({ children, params }: Props) {
  const user = await requireUser();
  if (!(await loadSync((await params).id, user.role))) notFound();
  return children;
}
