import { createRequire } from "node:module";
import { afterEach, describe, expect, it } from "vitest";

/**
 * The postinstall patches (scripts/patch-dependencies.mjs) are in the installed
 * packages, and the SDK's environment reader still answers exactly as before: its own keys, read fresh.
 */
const require = createRequire(import.meta.url);
const envHelpers = require("../../node_modules/inngest/helpers/env.cjs") as {
  getProcessEnv: () => Record<string, string | undefined>;
};

describe("dependency patches", () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it("the Inngest SDK reads only its own environment keys, and reads them fresh every time", async () => {
    const fs = await import("node:fs");
    const source = fs.readFileSync(require.resolve("../../node_modules/inngest/helpers/env.cjs"), "utf8");
    expect(source).toContain("fixed-service: read only the SDK's own keys");

    process.env.INNGEST_ENV = "branch-a";
    process.env.SOME_APP_SECRET = "not-for-the-sdk";
    const first = envHelpers.getProcessEnv();
    expect(first.INNGEST_ENV).toBe("branch-a");
    expect(Object.keys(first)).not.toContain("SOME_APP_SECRET");
    expect(JSON.stringify(first)).toBe("{}");

    process.env.INNGEST_ENV = "branch-b";
    expect(envHelpers.getProcessEnv().INNGEST_ENV).toBe("branch-b");
    delete process.env.INNGEST_ENV;
    expect(envHelpers.getProcessEnv()).not.toHaveProperty("INNGEST_ENV");
  });

  it("postgres.js's nextWrite is guarded against a closed socket", async () => {
    const fs = await import("node:fs");
    const file = require.resolve("../../node_modules/postgres/src/connection.js");
    expect(fs.readFileSync(file, "utf8")).toContain("fixed-service: guard against a closed socket");
  });
});
