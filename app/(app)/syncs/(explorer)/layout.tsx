import { requireUser } from "@/server/auth/guard";

/**
 * The explorer's role check, above its loading.tsx: a check inside the page would run after the
 * skeleton has streamed with a 200, too late for a 403.
 */
export default async function SyncExplorerLayout({ children }: { children: React.ReactNode }) {
  await requireUser("manager");
  return children;
}
