import "server-only";
import { getDbHandle } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { seedDemoUsers } from "@/server/auth/seed-users";
import { seedDemoData } from "@/server/demo/seed";
import { reencryptStoredSecrets } from "@/server/integrations/integrations";

/**
 * Applies migrations on every start and encrypts secrets still stored in plaintext (or under an earlier key); seeds demo users and data into an empty database outside
 * production (or when SEED_DEMO_DATA=1), so `npm run dev` needs nothing else.
 */
export async function bootstrap(): Promise<void> {
  const config = env();
  const handle = getDbHandle();
  const started = Date.now();
  await migrateDatabase(handle);
  logger.info({ driver: handle.driver, ms: Date.now() - started }, "Database migrated");
  // Also where production stops without SECRETS_KEY.
  const reencrypted = await reencryptStoredSecrets(handle.db);
  if (reencrypted)
    logger.info({ integrations: reencrypted }, "Integration secrets encrypted under SECRETS_KEY");
  if (!config.SMTP_URL) logger.info("E-mail notices are off (SMTP_URL unset): pauses show in the app only");
  const shouldSeed = config.NODE_ENV !== "production" || config.SEED_DEMO_DATA;
  if (!shouldSeed) return;
  const users = await seedDemoUsers(handle.db);
  const technicianIds = users.filter((u) => u.role === "technician").map((u) => u.id);
  const seeded = await seedDemoData(handle.db, {
    technicianIds,
    demoReceiverUrl: config.DEMO_RECEIVER_URL,
    demoReceiverSecret: config.DEMO_RECEIVER_SECRET,
  });
  if (seeded) logger.info("Demo data seeded");
}
