import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { optionsFromEnv } from "@/db/client";
import { CONFIG_VARIABLES, env, resetEnvCache } from "@/lib/env";
import { ENGINE_CONFIG_VARIABLES, readEngineConfig } from "../../engine/config";

const saved = { ...process.env };

afterEach(() => {
  process.env = { ...saved };
  resetEnvCache();
});

function withEnv(vars: Record<string, string>) {
  process.env = { ...saved, ...vars };
  resetEnvCache();
}

describe("configuration", () => {
  it.each([
    ["DATABASE_POOL_SIZE", "ten"],
    ["DATABASE_POOL_SIZE", "0"],
    ["DATABASE_URL", "mysql://localhost/db"],
    ["PGLITE_DIR", ""],
    ["LOG_LEVEL", "loud"],
    ["WEBHOOK_TIMEOUT_MS", "fast"],
    ["SYNC_RETENTION_DAYS", "-1"],
    ["SIGN_IN_RATE_LIMIT", "lots"],
    ["TRUSTED_PROXIES", "my-proxy"],
    ["TRUSTED_PROXIES", "10.0.0.0/8,10.0.0.0/33"],
    ["APP_URL", "localhost:3000"],
    ["DEMO_RECEIVER_URL", "not a url"],
    ["INNGEST_BASE_URL", "engine:8288"],
    ["INNGEST_SIGNING_KEY", "secret"],
    ["INNGEST_SIGNING_KEY_FALLBACK", "old-secret"],
    ["SECRETS_KEY", "too-short"],
    ["SECRETS_KEY_PREVIOUS", "not-a-key"],
  ])("refuses %s=%j with the variable's name", (name, value) => {
    withEnv({ [name]: value });
    expect(() => env()).toThrow(new RegExp(`Invalid configuration:[\\s\\S]*\\b${name}:`));
  });

  it("opens the database only with a valid pool size (no NaN pool)", () => {
    withEnv({ DATABASE_URL: "postgres://u:p@127.0.0.1:5432/db", DATABASE_POOL_SIZE: "ten" });
    expect(() => optionsFromEnv()).toThrow(/DATABASE_POOL_SIZE/);
    withEnv({ DATABASE_URL: "postgres://u:p@127.0.0.1:5432/db", DATABASE_POOL_SIZE: "4" });
    expect(optionsFromEnv()).toEqual({ driver: "postgres", url: "postgres://u:p@127.0.0.1:5432/db", max: 4 });
  });

  it("reads the defaults when nothing is set", () => {
    withEnv({});
    for (const name of ["DATABASE_URL", "DATABASE_POOL_SIZE", "PGLITE_DIR", "DEMO_RECEIVER_URL"]) {
      delete process.env[name];
    }
    resetEnvCache();
    const config = env();
    expect(config.DATABASE_POOL_SIZE).toBe(10);
    expect(config.DEMO_RECEIVER_URL).toBe("http://localhost:3999/hooks/work-items");
    expect(optionsFromEnv()).toMatchObject({ driver: "pglite" });
  });
});

describe("engine configuration", () => {
  it.each([
    ["ENGINE_PORT", "http"],
    ["ENGINE_PORT", "70000"],
    ["ENGINE_RETRY_INTERVAL", "soon"],
    ["ENGINE_MAX_IN_FLIGHT", "many"],
    ["ENGINE_LOG_LEVEL", "loud"],
  ])("refuses %s=%j with the variable's name", (name, value) => {
    expect(() => readEngineConfig({ [name]: value }, {})).toThrow(new RegExp(`\\b${name}:`));
  });

  it("lets a flag override the environment", () => {
    const config = readEngineConfig({ ENGINE_PORT: "9000" }, { ENGINE_PORT: "9100" });
    expect(config.ENGINE_PORT).toBe(9100);
    expect(config.ENGINE_HOST).toBe("127.0.0.1");
  });
});

describe("the README's configuration table", () => {
  const readme = readFileSync(path.resolve(import.meta.dirname, "../../README.md"), "utf8");
  const table = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("## Connecting n8n"));
  const documented = new Set(
    [...table.matchAll(/^\| ([^|]+) \|/gm)].flatMap(([, c]) => [...c.matchAll(/`(\w+)`/g)].map((m) => m[1])),
  );

  it("lists every variable the app and the engine read", () => {
    const missing = [...CONFIG_VARIABLES, ...ENGINE_CONFIG_VARIABLES].filter((name) => !documented.has(name));
    expect(missing).toEqual([]);
  });

  it("lists every variable npm run dev reads (scripts/dev.mjs)", () => {
    const source = readFileSync(path.resolve(import.meta.dirname, "../../scripts/dev.mjs"), "utf8");
    const read = [...new Set([...source.matchAll(/process\.env\.(\w+)/g)].map((m) => m[1]))];
    expect(read).toContain("HOST");
    expect(read.filter((name) => !documented.has(name))).toEqual([]);
  });
});
