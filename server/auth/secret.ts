import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

const MIN_SECRET_LENGTH = 32;
export const SECRET_FILE_NAME = "auth-secret";

export type SecretOptions = {
  nodeEnv: "development" | "production" | "test";
  /** BETTER_AUTH_SECRET as configured (empty = unset). */
  secret: string | undefined;
  /** Where development/test keep the generated secret (default `.data`, beside the PGlite data). */
  dataDir?: string;
};

/**
 * The secret better-auth signs session cookies with.
 * Production: BETTER_AUTH_SECRET is required (≥ 32 characters) — the app refuses to start without it,
 * because a generated one would change per machine and sign everyone out on each deploy.
 * Development/test: when unset, one is generated once and kept in `.data/auth-secret` (mode 0600),
 * so restarts keep sessions.
 */
export function resolveAuthSecret({ nodeEnv, secret, dataDir = ".data" }: SecretOptions): string {
  const configured = secret?.trim();
  if (configured) {
    if (configured.length < MIN_SECRET_LENGTH) {
      throw new Error(
        `BETTER_AUTH_SECRET must be at least ${MIN_SECRET_LENGTH} characters (got ${configured.length}). ` +
          "Generate one with: openssl rand -base64 32",
      );
    }
    return configured;
  }
  if (nodeEnv === "production") {
    throw new Error(
      "BETTER_AUTH_SECRET is required in production (at least 32 characters; it signs session cookies). " +
        "Generate one with: openssl rand -base64 32",
    );
  }
  return readOrCreateSecretFile(path.resolve(dataDir, SECRET_FILE_NAME));
}

function readOrCreateSecretFile(file: string): string {
  const existing = readSecretFile(file);
  if (existing !== undefined) return existing;
  mkdirSync(path.dirname(file), { recursive: true });
  const generated = randomBytes(32).toString("base64url");
  try {
    // "wx": when two processes start at once, the second one reads the first one's secret.
    writeFileSync(file, `${generated}\n`, { mode: 0o600, flag: "wx" });
    return generated;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const raced = readSecretFile(file);
    if (raced === undefined) throw error;
    return raced;
  }
}

function readSecretFile(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const value = text.trim();
  if (value.length < MIN_SECRET_LENGTH) {
    throw new Error(
      `${file} holds an auth secret shorter than ${MIN_SECRET_LENGTH} characters: delete the file to generate a new one, ` +
        "or set BETTER_AUTH_SECRET.",
    );
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return value;
}
