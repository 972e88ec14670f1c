import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  decryptWith,
  ENCRYPTED_PREFIX,
  encryptWith,
  reencryptWith,
  resolveKeyring,
  SECRETS_KEY_FILE_NAME,
} from "@/lib/secrets";

const key = () => randomBytes(32).toString("base64");

describe("secrets at rest", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "fs-secrets-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("encrypts with AES-256-GCM under a versioned prefix, a fresh IV each time, and decrypts", () => {
    const keyring = resolveKeyring({ nodeEnv: "production", key: key() });
    const a = encryptWith(keyring, "whsec_abc");
    const b = encryptWith(keyring, "whsec_abc");
    expect(a.startsWith(`${ENCRYPTED_PREFIX}${keyring.current.id}:`)).toBe(true);
    expect(a).not.toBe(b);
    expect(a).not.toContain("whsec_abc");
    expect(decryptWith(keyring, a)).toBe("whsec_abc");
    expect(decryptWith(keyring, encryptWith(keyring, "ünïcødé"))).toBe("ünïcødé");
  });

  it("reads legacy plaintext as it is and re-encrypts it", () => {
    const keyring = resolveKeyring({ nodeEnv: "production", key: key() });
    expect(decryptWith(keyring, "whsec_legacy")).toBe("whsec_legacy");
    const migrated = reencryptWith(keyring, "whsec_legacy");
    expect(migrated).toMatch(/^enc:v1:/);
    expect(decryptWith(keyring, migrated!)).toBe("whsec_legacy");
    expect(reencryptWith(keyring, migrated!)).toBeNull();
  });

  it("refuses a tampered value or one under an unknown key, naming what to set", () => {
    const keyring = resolveKeyring({ nodeEnv: "production", key: key() });
    const stored = encryptWith(keyring, "whsec_abc");
    // Flip one ciphertext byte (not a base64 padding bit): GCM's tag no longer matches.
    const prefix = stored.slice(0, stored.lastIndexOf(":") + 1);
    const bytes = Buffer.from(stored.slice(prefix.length), "base64url");
    bytes[12] ^= 0x01;
    expect(() => decryptWith(keyring, `${prefix}${bytes.toString("base64url")}`)).toThrow();
    const other = resolveKeyring({ nodeEnv: "production", key: key() });
    expect(() => decryptWith(other, stored)).toThrow(/SECRETS_KEY_PREVIOUS/);
  });

  it("a key rotation: the previous key still reads, and rows are re-encrypted under the new one", () => {
    const oldKey = key();
    const before = resolveKeyring({ nodeEnv: "production", key: oldKey });
    const stored = encryptWith(before, "whsec_abc");
    const after = resolveKeyring({ nodeEnv: "production", key: key(), previous: oldKey });
    expect(decryptWith(after, stored)).toBe("whsec_abc");
    const rewritten = reencryptWith(after, stored)!;
    expect(rewritten.startsWith(`${ENCRYPTED_PREFIX}${after.current.id}:`)).toBe(true);
    const withoutOld = resolveKeyring({ nodeEnv: "production", key: after.current.key.toString("hex") });
    expect(decryptWith(withoutOld, rewritten)).toBe("whsec_abc");
  });

  it("is required in production and must be 32 bytes", () => {
    expect(() => resolveKeyring({ nodeEnv: "production", key: undefined, dataDir: dir })).toThrow(
      /SECRETS_KEY is required in production/,
    );
    expect(() => resolveKeyring({ nodeEnv: "production", key: "short", dataDir: dir })).toThrow(
      /SECRETS_KEY must be 32 bytes/,
    );
    expect(() =>
      resolveKeyring({ nodeEnv: "production", key: randomBytes(16).toString("base64"), dataDir: dir }),
    ).toThrow(/SECRETS_KEY/);
  });

  it("is generated once under the data folder in development, mode 0600, and kept across restarts", () => {
    const first = resolveKeyring({ nodeEnv: "development", key: undefined, dataDir: dir });
    const file = path.join(dir, SECRETS_KEY_FILE_NAME);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8").trim()).toBe(first.current.key.toString("base64"));
    const second = resolveKeyring({ nodeEnv: "development", key: undefined, dataDir: dir });
    expect(second.current.id).toBe(first.current.id);
  });
});
