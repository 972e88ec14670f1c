import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveAuthSecret, SECRET_FILE_NAME } from "@/server/auth/secret";

describe("auth secret", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "fs-secret-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const strong = "x".repeat(40);

  it("is required in production, naming the variable", () => {
    expect(() => resolveAuthSecret({ nodeEnv: "production", secret: undefined, dataDir: dir })).toThrow(
      /BETTER_AUTH_SECRET is required in production/,
    );
    expect(() => resolveAuthSecret({ nodeEnv: "production", secret: "  ", dataDir: dir })).toThrow(
      /BETTER_AUTH_SECRET/,
    );
  });

  it("refuses a short secret in any environment", () => {
    for (const nodeEnv of ["production", "development", "test"] as const) {
      expect(() => resolveAuthSecret({ nodeEnv, secret: "too-short", dataDir: dir })).toThrow(
        /BETTER_AUTH_SECRET must be at least 32 characters/,
      );
    }
  });

  it("uses a configured secret and writes no file", () => {
    expect(resolveAuthSecret({ nodeEnv: "production", secret: strong, dataDir: dir })).toBe(strong);
    expect(resolveAuthSecret({ nodeEnv: "development", secret: strong, dataDir: dir })).toBe(strong);
    expect(() => statSync(path.join(dir, SECRET_FILE_NAME))).toThrow();
  });

  it("generates one in development, keeps it in a 0600 file and reuses it", () => {
    const nested = path.join(dir, "data");
    const first = resolveAuthSecret({ nodeEnv: "development", secret: undefined, dataDir: nested });
    expect(first.length).toBeGreaterThanOrEqual(32);
    const file = path.join(nested, SECRET_FILE_NAME);
    expect(readFileSync(file, "utf8").trim()).toBe(first);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(resolveAuthSecret({ nodeEnv: "test", secret: "", dataDir: nested })).toBe(first);
  });

  it("tightens a kept file's permissions and rejects a kept secret that is too short", () => {
    const file = path.join(dir, SECRET_FILE_NAME);
    writeFileSync(file, `${strong}\n`, { mode: 0o644 });
    expect(resolveAuthSecret({ nodeEnv: "development", secret: undefined, dataDir: dir })).toBe(strong);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileSync(file, "short\n");
    expect(() => resolveAuthSecret({ nodeEnv: "development", secret: undefined, dataDir: dir })).toThrow(
      /shorter than 32 characters/,
    );
  });
});
