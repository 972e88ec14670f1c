import "server-only";
import type { Db } from "@/db/client";
import type { Role } from "@/db/schema";
import { env } from "@/lib/env";
import { createUser, findUserIdByEmail } from "./users";

export const DEMO_PASSWORD = "fixed-service-demo";

export const DEMO_USERS = [
  { email: "tech@fixed.test", name: "Tess Technician", role: "technician" },
  { email: "theo@fixed.test", name: "Theo Technician", role: "technician" },
  { email: "manager@fixed.test", name: "Mara Manager", role: "manager" },
  { email: "admin@fixed.test", name: "Ada Admin", role: "admin" },
] as const satisfies ReadonlyArray<{ email: string; name: string; role: Role }>;

export type SeededUser = { id: string; email: string; name: string; role: Role };

/**
 * Creates the demo users that are missing (password `fixed-service-demo`) and returns all four with
 * their ids. Refuses in production — a known password there is a hole — unless SEED_DEMO_DATA=1 says
 * this production build is a demo or an e2e server on purpose.
 */
export async function seedDemoUsers(db: Db): Promise<SeededUser[]> {
  const config = env();
  if (config.NODE_ENV === "production" && !config.SEED_DEMO_DATA) {
    throw new Error(
      "Refusing to seed demo users (known password) in production; set SEED_DEMO_DATA=1 to override",
    );
  }
  const seeded: SeededUser[] = [];
  for (const demo of DEMO_USERS) {
    let id = await findUserIdByEmail(db, demo.email);
    if (!id) {
      const created = await createUser(db, { ...demo, password: DEMO_PASSWORD });
      id = created.ok ? created.id : await findUserIdByEmail(db, demo.email);
    }
    if (!id) throw new Error(`Could not seed demo user ${demo.email}`);
    seeded.push({ id, email: demo.email, name: demo.name, role: demo.role });
  }
  return seeded;
}
