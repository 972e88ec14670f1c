import { requireUser } from "@/server/auth/guard";

/**
 * Every integrations page is the admins'. Checked here, above the loading.tsx files, so a refusal is a
 * real 403: a check inside a page runs after its skeleton has streamed with a 200. The pages check again.
 */
export default async function IntegrationsLayout({ children }: { children: React.ReactNode }) {
  await requireUser("admin");
  return children;
}
