import "server-only";
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { nextCookies } from "better-auth/next-js";
import { admin } from "better-auth/plugins/admin";
import { type Db, getDb } from "@/db/client";
import * as schema from "@/db/schema";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import {
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  SESSION_REFRESH_SECONDS,
  SESSION_SLIDING_SECONDS,
  SIGN_IN_CLIENT_FACTOR,
  SIGN_IN_RATE_WINDOW_SECONDS,
  sessionDeadline,
} from "./policy";
import { resolveAuthSecret } from "./secret";
import { clientOf, signInThrottle } from "./sign-in-throttle";

/**
 * The admin plugin's HTTP endpoints are switched off: users are changed only through the admin page's
 * server actions (lib/auth/guard.ts `defineAction`), which carry our rules (no self-demotion, no
 * self-deactivation, sessions revoked on deactivation). The plugin stays for its schema and for
 * refusing sign-in to banned (deactivated) users.
 */
const DISABLED_PATHS = [
  "/admin/set-role",
  "/admin/get-user",
  "/admin/create-user",
  "/admin/update-user",
  "/admin/list-users",
  "/admin/list-user-sessions",
  "/admin/unban-user",
  "/admin/ban-user",
  "/admin/impersonate-user",
  "/admin/stop-impersonating",
  "/admin/revoke-user-session",
  "/admin/revoke-user-sessions",
  "/admin/remove-user",
  "/admin/set-user-password",
  "/admin/has-permission",
  "/sign-up/email",
  // Names are the actor on change events, webhooks and timelines: users do not rename themselves.
  "/update-user",
  "/change-email",
  "/delete-user",
];

const DEACTIVATED_MESSAGE = "This account is deactivated. Ask an admin to reactivate it.";

export type AuthOptions = {
  secret: string;
  /** Public origin of the app, e.g. https://service.example.com (cookies are `Secure` when https). */
  baseURL: string;
  /** Failed sign-ins allowed per account and client per failure window (see policy.ts). */
  signInRateLimit: number;
  /** Reverse proxies in front of the app (IPs or CIDRs): their X-Forwarded-For hops are skipped. */
  trustedProxies?: string[];
  /** Extra origins allowed to POST to /api/auth (the base URL's origin is always allowed). */
  trustedOrigins?: string[];
};

export function createAuth(db: Db, options: AuthOptions) {
  const trustedProxies = options.trustedProxies ?? [];
  return betterAuth({
    appName: "Fixed Service",
    baseURL: options.baseURL,
    secret: options.secret,
    trustedOrigins: options.trustedOrigins,
    database: drizzleAdapter(db, { provider: "pg", usePlural: true, schema }),
    emailAndPassword: {
      enabled: true,
      disableSignUp: true,
      minPasswordLength: MIN_PASSWORD_LENGTH,
      maxPasswordLength: MAX_PASSWORD_LENGTH,
    },
    // Sessions live in the database only (no cookie cache), so revoking them signs users out at once.
    session: { expiresIn: SESSION_SLIDING_SECONDS, updateAge: SESSION_REFRESH_SECONDS },
    databaseHooks: {
      session: {
        update: {
          // A refresh slides the expiry by a week, never past the absolute lifetime from sign-in.
          before: async (data, context) => {
            const createdAt = context?.context.session?.session.createdAt;
            if (!data.expiresAt || !createdAt) return;
            const deadline = sessionDeadline(createdAt);
            if (new Date(data.expiresAt).getTime() > deadline.getTime()) {
              return { data: { ...data, expiresAt: deadline } };
            }
          },
        },
      },
    },
    rateLimit: {
      enabled: true,
      storage: "database",
      modelName: "rateLimit",
      window: 60,
      max: 100,
      customRules: {
        // Per client, any accounts. A request whose client cannot be told (more X-Forwarded-For hops
        // than trusted proxies explain) is left to the per-account limits instead of a bucket shared
        // with every such client, which one attacker could fill for all of them.
        "/sign-in/email": async (request) =>
          clientOf(request.headers, trustedProxies) === null
            ? false
            : { window: SIGN_IN_RATE_WINDOW_SECONDS, max: options.signInRateLimit * SIGN_IN_CLIENT_FACTOR },
      },
    },
    disabledPaths: DISABLED_PATHS,
    advanced: {
      ipAddress: { trustedProxies },
      useSecureCookies: options.baseURL.startsWith("https://"),
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax" },
    },
    telemetry: { enabled: false },
    logger: {
      // Errors go under `err`, whose serializer drops the values a failed query was bound to.
      log: (level, message, ...args) => {
        const err = args.find((arg) => arg instanceof Error);
        const details = args.filter((arg) => !(arg instanceof Error));
        logger[level](
          { component: "better-auth", err, details: details.length ? details : undefined },
          message,
        );
      },
    },
    plugins: [
      signInThrottle(db, { perAccountAndClient: options.signInRateLimit, trustedProxies }),
      admin({ defaultRole: "technician", adminRoles: ["admin"], bannedUserMessage: DEACTIVATED_MESSAGE }),
      nextCookies(), // must stay last: it copies Set-Cookie from auth.api calls into Next's cookies()
    ],
  });
}

export type Auth = ReturnType<typeof createAuth>;

/** Local origins a developer or the e2e suite may use besides APP_URL (never in production). */
const LOCAL_ORIGINS = ["http://localhost:*", "http://127.0.0.1:*"];

/** Options from the environment (see lib/env.ts); throws at first use when BETTER_AUTH_SECRET is missing in production. */
function authOptionsFromEnv(): AuthOptions {
  const e = env();
  const baseURL = e.BETTER_AUTH_URL ?? e.APP_URL;
  return {
    secret: resolveAuthSecret({
      nodeEnv: e.NODE_ENV,
      secret: e.BETTER_AUTH_SECRET,
      dataDir: ".data",
    }),
    baseURL,
    signInRateLimit: e.SIGN_IN_RATE_LIMIT,
    trustedProxies: e.TRUSTED_PROXIES,
    trustedOrigins: e.NODE_ENV === "production" ? [] : LOCAL_ORIGINS,
  };
}

const globalForAuth = globalThis as unknown as { fixedServiceAuth?: { db: Db; auth: Auth } };

/** The app's better-auth instance, on the process-wide database (`getDb()`). */
export function getAuth(): Auth {
  const db = getDb();
  const cached = globalForAuth.fixedServiceAuth;
  if (cached && cached.db === db) return cached.auth;
  const auth = createAuth(db, authOptionsFromEnv());
  globalForAuth.fixedServiceAuth = { db, auth };
  return auth;
}
