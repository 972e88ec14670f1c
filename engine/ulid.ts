import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

function encode(time: number, entropy: Uint8Array): string {
  let out = "";
  let t = time;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[t % 32] + out;
    t = Math.floor(t / 32);
  }
  let bits = 0n;
  for (const byte of entropy) bits = (bits << 8n) | BigInt(byte);
  let rand = "";
  for (let i = 0; i < 16; i++) {
    rand = ALPHABET[Number(bits & 31n)] + rand;
    bits >>= 5n;
  }
  return out + rand;
}

export function ulid(time = Date.now()): string {
  return encode(time, randomBytes(10));
}

/**
 * Deterministic ULIDs from the SDK's `x-inngest-event-id-seed: <ms>,<base64 entropy>` header, so a
 * retried send of the same batch yields the same ids. Event `index` is added to the entropy.
 */
export function seededUlids(seed: string | undefined, count: number): string[] | undefined {
  if (!seed) return undefined;
  const [msText, entropyText] = seed.split(",");
  const ms = Number(msText);
  if (!Number.isSafeInteger(ms) || ms < 0 || !entropyText) return undefined;
  const entropy = Buffer.from(entropyText, "base64");
  if (entropy.length !== 10) return undefined;
  let base = 0n;
  for (const byte of entropy) base = (base << 8n) | BigInt(byte);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    let value = (base + BigInt(i)) & ((1n << 80n) - 1n);
    const bytes = new Uint8Array(10);
    for (let j = 9; j >= 0; j--) {
      bytes[j] = Number(value & 255n);
      value >>= 8n;
    }
    ids.push(encode(ms, bytes));
  }
  return ids;
}
