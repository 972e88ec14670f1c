import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env } from "./env";
import { KEY_BYTES, parseSecretsKey, SECRETS_KEY_FORMAT } from "./secrets-key";

/**
 * Secrets at rest (integration signing secrets, extra header values): AES-256-GCM with a key from
 * `SECRETS_KEY`, stored as `enc:v1:<key id>:<base64url(iv | ciphertext | tag)>`. The key id (the first
 * 8 hex digits of the key's SHA-256) picks the key on reading, so rows written under an older key keep
 * working while `SECRETS_KEY_PREVIOUS` lists it. A value without the prefix is legacy plaintext: it is
 * read as-is and re-encrypted on the next start (reencryptValue).
 */

export const ENCRYPTED_PREFIX = "enc:v1:";
export const SECRETS_KEY_FILE_NAME = "secrets-key";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const AAD = Buffer.from("fixed-service:secret:v1");

export type Keyring = {
  /** Encrypts new values. */
  current: { id: string; key: Buffer };
  /** Every key that may decrypt (current first). */
  byId: Map<string, Buffer>;
};

export type KeyringOptions = {
  nodeEnv: "development" | "production" | "test";
  /** SECRETS_KEY as configured (empty = unset). */
  key: string | undefined;
  /** SECRETS_KEY_PREVIOUS: earlier keys, comma- or space-separated. */
  previous?: string | undefined;
  /** Where development/test keep the generated key (default `.data`). */
  dataDir?: string;
};

function keyId(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 8);
}

/**
 * Production: SECRETS_KEY is required (the app refuses to start without it: a generated key would differ
 * per machine and make every stored secret unreadable). Development/test: when unset, one is generated
 * once and kept in `.data/secrets-key` (mode 0600).
 */
export function resolveKeyring({ nodeEnv, key, previous, dataDir = ".data" }: KeyringOptions): Keyring {
  const configured = key?.trim();
  let current: Buffer;
  if (configured) {
    const parsed = parseSecretsKey(configured);
    if (!parsed) throw new Error(`SECRETS_KEY ${SECRETS_KEY_FORMAT}`);
    current = parsed;
  } else if (nodeEnv === "production") {
    throw new Error(
      "SECRETS_KEY is required in production (32 bytes; it encrypts integration secrets at rest). " +
        "Generate one with: openssl rand -base64 32",
    );
  } else {
    current = readOrCreateKeyFile(path.resolve(dataDir, SECRETS_KEY_FILE_NAME));
  }
  const byId = new Map<string, Buffer>([[keyId(current), current]]);
  for (const text of (previous ?? "").split(/[\s,]+/).filter(Boolean)) {
    const parsed = parseSecretsKey(text);
    if (!parsed) throw new Error(`SECRETS_KEY_PREVIOUS: each key ${SECRETS_KEY_FORMAT}`);
    if (!byId.has(keyId(parsed))) byId.set(keyId(parsed), parsed);
  }
  return { current: { id: keyId(current), key: current }, byId };
}

function readOrCreateKeyFile(file: string): Buffer {
  const existing = readKeyFile(file);
  if (existing) return existing;
  mkdirSync(path.dirname(file), { recursive: true });
  const generated = randomBytes(KEY_BYTES);
  try {
    // "wx": when two processes start at once, the second one reads the first one's key.
    writeFileSync(file, `${generated.toString("base64")}\n`, { mode: 0o600, flag: "wx" });
    return generated;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const raced = readKeyFile(file);
    if (!raced) throw error;
    return raced;
  }
}

function readKeyFile(file: string): Buffer | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const key = parseSecretsKey(text);
  if (!key) throw new Error(`${file} does not hold a secrets key: restore it, or set SECRETS_KEY`);
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return key;
}

function isEncrypted(stored: string): boolean {
  return stored.startsWith(ENCRYPTED_PREFIX);
}

export function encryptWith(keyring: Keyring, plaintext: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", keyring.current.key, iv);
  cipher.setAAD(AAD);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const packed = Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url");
  return `${ENCRYPTED_PREFIX}${keyring.current.id}:${packed}`;
}

/** The plaintext of a stored value; legacy plaintext (no prefix) comes back unchanged. */
export function decryptWith(keyring: Keyring, stored: string): string {
  if (!isEncrypted(stored)) return stored;
  const [id, packed] = stored.slice(ENCRYPTED_PREFIX.length).split(":");
  const key = keyring.byId.get(id ?? "");
  if (!key) {
    throw new Error(
      `A stored secret was encrypted with key ${id}, which is neither SECRETS_KEY nor in SECRETS_KEY_PREVIOUS`,
    );
  }
  const bytes = Buffer.from(packed ?? "", "base64url");
  if (bytes.length < IV_BYTES + TAG_BYTES) throw new Error("A stored secret is truncated");
  const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, IV_BYTES));
  decipher.setAAD(AAD);
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  return Buffer.concat([
    decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
    decipher.final(),
  ]).toString("utf8");
}

/** The stored value re-encrypted under the current key, or null when it already is. */
export function reencryptWith(keyring: Keyring, stored: string): string | null {
  if (isEncrypted(stored) && stored.startsWith(`${ENCRYPTED_PREFIX}${keyring.current.id}:`)) return null;
  return encryptWith(keyring, decryptWith(keyring, stored));
}

let cached: { config: string; keyring: Keyring } | undefined;

/** The app's keyring, from its configuration (rebuilt when SECRETS_KEY* change, e.g. in tests). */
export function appKeyring(): Keyring {
  const config = env();
  const signature = `${config.NODE_ENV}\n${config.SECRETS_KEY ?? ""}\n${config.SECRETS_KEY_PREVIOUS}`;
  if (cached?.config !== signature) {
    cached = {
      config: signature,
      keyring: resolveKeyring({
        nodeEnv: config.NODE_ENV,
        key: config.SECRETS_KEY,
        previous: config.SECRETS_KEY_PREVIOUS,
      }),
    };
  }
  return cached.keyring;
}

export function encryptSecret(plaintext: string): string {
  return encryptWith(appKeyring(), plaintext);
}

/** Legacy plaintext needs no key (so a process without SECRETS_KEY can still read it). */
export function decryptSecret(stored: string): string {
  return isEncrypted(stored) ? decryptWith(appKeyring(), stored) : stored;
}
