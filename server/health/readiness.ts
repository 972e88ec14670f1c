import "server-only";
import { sql } from "drizzle-orm";
import { type Db, getDb } from "@/db/client";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";

type Check = { ok: boolean; ms: number; detail?: string };

export type Readiness = {
  status: "ready" | "not-ready";
  checks: { database: Check; engine: Check };
};

/** The local engine and the Inngest Dev Server's default address, as the SDK assumes in dev mode. */
const DEV_SERVER_URL = "http://localhost:8288";

/**
 * Where this app's Inngest is, as the SDK resolves it: INNGEST_BASE_URL, else INNGEST_DEV when it is a URL
 * (or the Dev Server's default in dev mode), else Inngest Cloud (null: not ours to probe).
 */
export function engineUrl(config: { INNGEST_BASE_URL?: string; INNGEST_DEV?: string }): string | null {
  if (config.INNGEST_BASE_URL) return config.INNGEST_BASE_URL;
  const dev = config.INNGEST_DEV?.trim();
  if (dev && /^https?:\/\//.test(dev)) return dev;
  if (dev && dev !== "0" && dev !== "false") return DEV_SERVER_URL;
  return null;
}

async function timed(
  run: () => Promise<string | undefined>,
  timeoutMs: number,
  what: string,
): Promise<Check> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const detail = await Promise.race([
      run(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, ms: Math.round(performance.now() - started), ...(detail ? { detail } : {}) };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    logger.warn({ err: error }, `Readiness: ${what} is not reachable`);
    return { ok: false, ms: Math.round(performance.now() - started), detail: `${what}: ${detail}` };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The database answers a query and the engine answers HTTP (any status: reachable is the question, its
 * own health is its business), each within READY_TIMEOUT_MS. Error details name the failing part only.
 */
export async function checkReadiness(db: () => Db = getDb): Promise<Readiness> {
  const config = env();
  const timeoutMs = config.READY_TIMEOUT_MS;
  const url = engineUrl(config);
  const [database, engine] = await Promise.all([
    timed(
      async () => {
        await db().execute(sql`select 1`);
        return undefined;
      },
      timeoutMs,
      "database",
    ),
    url === null
      ? Promise.resolve<Check>({ ok: true, ms: 0, detail: "Inngest Cloud: not probed" })
      : timed(
          async () => {
            const response = await fetch(new URL("/health", url), { signal: AbortSignal.timeout(timeoutMs) });
            await response.body?.cancel();
            return undefined;
          },
          timeoutMs,
          "engine",
        ),
  ]);
  return { status: database.ok && engine.ok ? "ready" : "not-ready", checks: { database, engine } };
}
