import ipaddr from "ipaddr.js";
import { z } from "zod";
import { parseSecretsKey, SECRETS_KEY_FORMAT } from "./secrets-key";

const booleanFlag = z
  .enum(["1", "0", "true", "false", ""])
  .optional()
  .transform((v) => v === "1" || v === "true");

const WHSEC = /^whsec_([A-Za-z0-9+/]+={0,2})$/;

/** A Standard Webhooks secret: `whsec_` + base64 of 24 to 64 bytes (what generateSecret makes: 32). */
function isWebhookSecret(value: string): boolean {
  const match = WHSEC.exec(value);
  if (!match) return false;
  const bytes = Buffer.from(match[1], "base64").length;
  return bytes >= 24 && bytes <= 64;
}

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" });

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
      .optional()
      .or(z.literal("").transform(() => undefined)),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(1_000).default(10),
    PGLITE_DIR: z.string().min(1).default(".data/pglite"),
    SEED_DEMO_DATA: booleanFlag,
    /** Unset: info, or silent under NODE_ENV=test. */
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(),
    APP_URL: httpUrl.default("http://localhost:3000"),
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
    /**
     * How long a sync whose first try (in the fan-out) failed waits for its second: Inngest's first backoff
     * step. Later tries follow the engine's own backoff. Tests set it short, like the engine's interval.
     */
    WEBHOOK_FIRST_RETRY_MS: z.coerce.number().int().min(0).max(3_600_000).default(15_000),
    WEBHOOK_ALLOWED_HOSTS: z.string().default(""),
    /** The shop's currency (ISO 4217): prices are shown in it. */
    SHOP_CURRENCY: z
      .string()
      .trim()
      .toUpperCase()
      .refine(
        (code) => Intl.supportedValuesOf("currency").includes(code),
        "must be an ISO 4217 currency code such as EUR, USD, GBP or CHF",
      )
      .default("EUR"),
    SYNC_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
    /** Failed attempts in a row that pause an integration automatically; 0 = never on a count. */
    AUTO_PAUSE_FAILURES: z.coerce.number().int().min(0).max(1_000_000).default(50),
    /** Hours of failed attempts without a success that pause an integration automatically; 0 = never on time. */
    AUTO_PAUSE_AFTER_HOURS: z.coerce
      .number()
      .min(0)
      .max(24 * 365)
      .default(24),
    /** Where notice e-mails go out (smtp://user:pass@host:587, smtps://…:465); unset: no e-mail. */
    SMTP_URL: z
      .url({
        protocol: /^smtps?$/,
        error: "must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@mail.example:587",
      })
      .optional()
      .or(z.literal("").transform(() => undefined)),
    /** The sender of notice e-mails; unset: "Fixed Service <no-reply@<APP_URL's host>>". */
    MAIL_FROM: z
      .string()
      .trim()
      .regex(
        /^([^<>@]*<[^<>@\s]+@[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+)$/,
        'must be an address, e.g. alerts@shop.example or "Fixed Service <alerts@shop.example>"',
      )
      .optional()
      .or(z.literal("").transform(() => undefined)),
    /** Operational webhooks (integration.paused, integration.resumed, delivery.failed) go here; unset: none. */
    OPS_WEBHOOK_URL: httpUrl.optional().or(z.literal("").transform(() => undefined)),
    OPS_WEBHOOK_SECRET: z
      .string()
      .trim()
      .refine(
        (v) => v === "" || isWebhookSecret(v),
        "must be whsec_ followed by base64 of 24 to 64 random bytes (e.g. whsec_$(openssl rand -base64 32))",
      )
      .optional()
      .transform((v) => (v ? v : undefined)),
    SECRET_ROTATION_GRACE_HOURS: z.coerce
      .number()
      .min(0)
      .max(24 * 30)
      .default(24),
    // Sign-in (lib/auth). The secret's production requirement is checked in lib/auth/secret.ts.
    BETTER_AUTH_SECRET: z
      .string()
      .min(32, "must be at least 32 characters (openssl rand -base64 32)")
      .optional()
      .or(z.literal("").transform(() => undefined)),
    /** Encrypts integration secrets at rest (lib/secrets.ts); required in production. */
    SECRETS_KEY: z
      .string()
      .refine((v) => v.trim() === "" || parseSecretsKey(v) !== null, SECRETS_KEY_FORMAT)
      .optional()
      .transform((v) => (v?.trim() ? v.trim() : undefined)),
    /** Earlier SECRETS_KEY values, still read during a key rotation. */
    SECRETS_KEY_PREVIOUS: z
      .string()
      .refine(
        (v) => v.split(/[\s,]+/).every((k) => k === "" || parseSecretsKey(k) !== null),
        `each key ${SECRETS_KEY_FORMAT}`,
      )
      .default(""),
    BETTER_AUTH_URL: httpUrl.optional().or(z.literal("").transform(() => undefined)),
    SIGN_IN_RATE_LIMIT: z.coerce.number().int().min(1).max(10_000).default(5),
    /** Reverse proxies in front of the app, comma-separated IPs or CIDRs (X-Forwarded-For is read through them). */
    TRUSTED_PROXIES: z
      .string()
      .default("")
      .transform((v) =>
        v
          .split(",")
          .map((entry) => entry.trim())
          .filter(Boolean),
      )
      .refine((entries) => entries.every((e) => ipaddr.isValid(e) || ipaddr.isValidCIDR(e)), {
        error: "must be comma-separated IP addresses or CIDR ranges, e.g. 10.0.0.5,172.16.0.0/12",
      }),
    /** Bearer token a Prometheus scraper sends to `/api/metrics`; unset, the endpoint is off. */
    METRICS_TOKEN: z
      .string()
      .optional()
      .transform((v) => (v?.trim() ? v.trim() : undefined))
      .refine(
        (v) => v === undefined || v.length >= 16,
        "must be at least 16 characters (openssl rand -hex 24)",
      ),
    /** How long `/api/ready` waits for the database and the engine each. */
    READY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(2_000),
    /** Where the dev demo receiver listens; the seeded demo integration points at it. */
    DEMO_RECEIVER_URL: httpUrl.default("http://localhost:3999/hooks/work-items"),
    /** The seeded demo integration's signing secret, which the demo receiver holds too (npm run dev sets both). */
    DEMO_RECEIVER_SECRET: z
      .string()
      .trim()
      .refine(
        (v) => v === "" || isWebhookSecret(v),
        "must be whsec_ followed by base64 of 24 to 64 random bytes (npm run dev keeps one in .data/demo-receiver-secret)",
      )
      .optional()
      .transform((v) => (v ? v : undefined)),
    // Read by the Inngest SDK itself; validated here so a typo stops the app with the variable's name.
    INNGEST_DEV: z.string().optional(),
    INNGEST_BASE_URL: httpUrl.optional().or(z.literal("").transform(() => undefined)),
    INNGEST_EVENT_KEY: z.string().optional(),
    INNGEST_SIGNING_KEY: z
      .string()
      .regex(/^signkey-\w+-\S+$/, "must look like signkey-<env>-<key>")
      .optional()
      .or(z.literal("").transform(() => undefined)),
    /** The previous signing key during a rotation (read by the SDK): requests signed with either are accepted. */
    INNGEST_SIGNING_KEY_FALLBACK: z
      .string()
      .regex(/^signkey-\w+-\S+$/, "must look like signkey-<env>-<key>")
      .optional()
      .or(z.literal("").transform(() => undefined)),
  })
  .superRefine((config, ctx) => {
    if (config.OPS_WEBHOOK_URL && !config.OPS_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["OPS_WEBHOOK_SECRET"],
        message: "required with OPS_WEBHOOK_URL: operational webhooks are signed like every delivery",
      });
    }
    if (config.OPS_WEBHOOK_SECRET && !config.OPS_WEBHOOK_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["OPS_WEBHOOK_URL"],
        message: "required with OPS_WEBHOOK_SECRET",
      });
    }
  });

export type Env = z.infer<typeof schema>;

/** Every variable the app reads (the README's configuration table lists them all). */
export const CONFIG_VARIABLES = Object.keys(schema.shape) as (keyof Env)[];

let cached: Env | undefined;

/** Reads and validates configuration once; a bad value stops the process with the variable's name. */
export function env(): Env {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  cached = parsed.data;
  return cached;
}

/** For tests that change process.env between cases. */
export function resetEnvCache(): void {
  cached = undefined;
}
