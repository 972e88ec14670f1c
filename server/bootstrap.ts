import "server-only";
import { getDbHandle } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { seedDemoUsers } from "@/server/auth/seed-users";
import { seedDemoData } from "@/server/demo/seed";

/**
 * Applies migrations on every start; seeds demo users and data into an empty database outside
 * production (or when SEED_DEMO_DATA=1), so `npm run dev` needs nothing else.
 */
export async function bootstrap(): Promise<void> {
  const config = env();
  const handle = getDbHandle();
  const started = Date.now();
  await migrateDatabase(handle);
  logger.info({ driver: handle.driver, ms: Date.now() - started }, "Database migrated");
  const shouldSeed = config.NODE_ENV !== "production" || config.SEED_DEMO_DATA;
  if (!shouldSeed) return;
  const users = await seedDemoUsers(handle.db);
  const technicianIds = users.filter((u) => u.role === "technician").map((u) => u.id);
  const seeded = await seedDemoData(handle.db, {
    technicianIds,
    demoReceiverUrl: config.DEMO_RECEIVER_URL,
  });
  if (seeded) logger.info("Demo data seeded");
}
