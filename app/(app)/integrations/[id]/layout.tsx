import { notFound } from "next/navigation";
import { requireUser } from "@/server/auth/guard";
import { loadIntegration } from "./load";

type Props = { children: React.ReactNode; params: Promise<{ id: string }> };

/**
 * An unknown integration is a real 404: checked here, above loading.tsx, because a page that calls
 * notFound() after its skeleton has streamed can only answer 200.
 */
export default async function IntegrationLayout({ children, params }: Props) {
  await requireUser("admin");
  if (!(await loadIntegration((await params).id))) notFound();
  return children;
}
