import "server-only";
import { randomUUID } from "node:crypto";
import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware, getIP, isAPIError } from "better-auth/api";
import { and, eq, lte, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { rateLimits } from "@/db/schema";
import {
  SIGN_IN_ACCOUNT_CAP_FACTOR,
  SIGN_IN_ACCOUNT_SLOT_SECONDS,
  SIGN_IN_FAILURE_WINDOW_SECONDS,
} from "./policy";
import { normalizeEmail } from "./users";

const SIGN_IN_PATH = "/sign-in/email";
/** A request whose client address cannot be read (see clientOf) shares this client. */
const UNKNOWN_CLIENT = "unknown";

export type SignInThrottleOptions = {
  /** Failed sign-ins allowed per account and client per window (SIGN_IN_RATE_LIMIT). */
  perAccountAndClient: number;
  /** Reverse proxies whose X-Forwarded-For hops are skipped (TRUSTED_PROXIES). */
  trustedProxies: string[];
};

/**
 * The client a sign-in comes from: the X-Forwarded-For hop nearest to us that is not a trusted proxy.
 * Without TRUSTED_PROXIES only a single-valued header is believed (the one Next sets for a direct
 * connection). Null when nothing trustworthy is there; better-auth's own reading, so both agree.
 */
export function clientOf(headers: Headers | undefined, trustedProxies: string[]): string | null {
  if (!headers) return null;
  return getIP(headers, { advanced: { ipAddress: { trustedProxies } } });
}

/** The bucket keys of one attempt; they live in better-auth's rate_limits table, `last_request` = when the bucket ends. */
function keysFor(email: string, client: string) {
  return {
    pair: `sign-in:failures:${client}:${email}`,
    account: `sign-in:failures:${email}`,
    slot: `sign-in:slot:${email}`,
  };
}

/**
 * Counts one attempt in a fixed window and returns the count and the window's end (ms). The row's
 * `last_request` holds the end, so better-auth's pruning (rows older than its longest window) only
 * removes buckets that are over.
 */
async function count(db: Db, key: string, windowSeconds: number): Promise<{ count: number; endsAt: number }> {
  const now = Date.now();
  const endsAt = now + windowSeconds * 1000;
  const [row] = await db
    .insert(rateLimits)
    .values({ id: randomUUID(), key, count: 1, lastRequest: endsAt })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        count: sql`case when ${rateLimits.lastRequest} <= ${now} then 1 else ${rateLimits.count} + 1 end`,
        lastRequest: sql`case when ${rateLimits.lastRequest} <= ${now} then ${endsAt} else ${rateLimits.lastRequest} end`,
      },
    })
    .returning({ count: rateLimits.count, endsAt: rateLimits.lastRequest });
  return row;
}

/** One attempt per slot: true when this caller got it. */
async function takeSlot(db: Db, key: string, seconds: number): Promise<{ ok: boolean; endsAt: number }> {
  const now = Date.now();
  const endsAt = now + seconds * 1000;
  const taken = await db
    .insert(rateLimits)
    .values({ id: randomUUID(), key, count: 1, lastRequest: endsAt })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: { count: sql`${rateLimits.count} + 1`, lastRequest: endsAt },
      setWhere: lte(rateLimits.lastRequest, now),
    })
    .returning({ endsAt: rateLimits.lastRequest });
  if (taken.length > 0) return { ok: true, endsAt };
  const [row] = await db
    .select({ endsAt: rateLimits.lastRequest })
    .from(rateLimits)
    .where(eq(rateLimits.key, key));
  return { ok: false, endsAt: row?.endsAt ?? endsAt };
}

function tooMany(endsAt: number): APIError {
  const retryAfter = Math.max(1, Math.ceil((endsAt - Date.now()) / 1000));
  return new APIError(
    "TOO_MANY_REQUESTS",
    { message: "Too many sign-in attempts. Try again later.", code: "TOO_MANY_SIGN_IN_ATTEMPTS" },
    { "X-Retry-After": String(retryAfter) },
  );
}

type HookContext = { body?: unknown; headers?: Headers; request?: Request };

function attemptOf(ctx: HookContext, trustedProxies: string[]) {
  const email = (ctx.body as { email?: unknown } | undefined)?.email;
  if (typeof email !== "string" || email.length === 0 || email.length > 320) return null;
  const client = clientOf(ctx.request?.headers ?? ctx.headers, trustedProxies) ?? UNKNOWN_CLIENT;
  return keysFor(normalizeEmail(email), client);
}

/**
 * Sign-in limits on top of better-auth's per-client one (see the README's Security section):
 * - per account and client: `perAccountAndClient` attempts per window; a correct password clears
 *   that client's count, so only failures stay counted. One client's guessing locks out only that
 *   client for that account, never the account's owner elsewhere.
 * - per account, from all clients: `SIGN_IN_ACCOUNT_CAP_FACTOR` times as many; past that the account
 *   still takes one attempt every `SIGN_IN_ACCOUNT_SLOT_SECONDS` (a delay, not a lock), so an attacker
 *   who rotates addresses gains only that rate and the owner can still get in.
 * Each attempt is counted before the password is checked, so concurrent requests cannot all slip in.
 */
export function signInThrottle(db: Db, options: SignInThrottleOptions): BetterAuthPlugin {
  const windowSeconds = SIGN_IN_FAILURE_WINDOW_SECONDS;
  const accountCap = options.perAccountAndClient * SIGN_IN_ACCOUNT_CAP_FACTOR;
  return {
    id: "sign-in-throttle",
    hooks: {
      before: [
        {
          matcher: (ctx) => ctx.path === SIGN_IN_PATH,
          handler: createAuthMiddleware(async (ctx) => {
            const keys = attemptOf(ctx, options.trustedProxies);
            if (!keys) return;
            const pair = await count(db, keys.pair, windowSeconds);
            if (pair.count > options.perAccountAndClient) throw tooMany(pair.endsAt);
            const account = await count(db, keys.account, windowSeconds);
            if (account.count > accountCap) {
              const slot = await takeSlot(db, keys.slot, SIGN_IN_ACCOUNT_SLOT_SECONDS);
              if (!slot.ok) throw tooMany(slot.endsAt);
            }
          }),
        },
      ],
      after: [
        {
          matcher: (ctx) => ctx.path === SIGN_IN_PATH,
          handler: createAuthMiddleware(async (ctx) => {
            if (isAPIError(ctx.context.returned)) return;
            const keys = attemptOf(ctx, options.trustedProxies);
            if (!keys) return;
            // Signed in: this client's attempts for the account were not guesses after all.
            await db.delete(rateLimits).where(eq(rateLimits.key, keys.pair));
            await db
              .update(rateLimits)
              .set({ count: sql`greatest(${rateLimits.count} - 1, 0)` })
              .where(and(eq(rateLimits.key, keys.account)));
          }),
        },
      ],
    },
  };
}
