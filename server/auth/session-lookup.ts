import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { sql } from "drizzle-orm";
import { type Db, rowsOf } from "@/db/client";
import { SESSION_REFRESH_SECONDS, SESSION_SLIDING_SECONDS } from "./policy";

/**
 * The everyday case of better-auth's getSession in one indexed query: a validly signed session cookie
 * whose session is live and needs no refresh. Sessions stay in the database only (no cookie cache), so a
 * revoked session or a deactivated user is refused on the very next request, as with getSession.
 *
 * Returns `undefined` whenever the answer is not that plain (no or malformed cookie, a bad signature,
 * an unknown or expired session, one due for its sliding refresh, a "don't remember me" session): the
 * caller then asks better-auth, which refuses, cleans up or refreshes exactly as before. This only ever
 * saves work; it never lets in anyone better-auth would not.
 */

const TOKEN_COOKIES = ["__Secure-better-auth.session_token", "better-auth.session_token"];
const DONT_REMEMBER_COOKIES = ["__Secure-better-auth.dont_remember", "better-auth.dont_remember"];

export type LookedUpSession = {
  session: { id: string; createdAt: Date; expiresAt: Date };
  user: {
    id: string;
    name: string;
    email: string;
    role: string | null;
    banned: boolean | null;
    banExpires: Date | null;
  };
};

function cookieValue(header: string, names: string[]): string | undefined {
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (names.includes(name)) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** better-call's signed cookie: `<token>.<base64 HMAC-SHA256(secret, token)>`, URL-encoded. */
function verifiedToken(raw: string, secret: string): string | undefined {
  let value: string;
  try {
    value = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  const dot = value.lastIndexOf(".");
  if (dot < 1) return undefined;
  const token = value.slice(0, dot);
  const signature = value.slice(dot + 1);
  if (signature.length !== 44 || !signature.endsWith("=")) return undefined;
  const expected = createHmac("sha256", secret).update(token).digest();
  const given = Buffer.from(signature, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected) ? token : undefined;
}

export async function lookUpSession(
  db: Db,
  cookieHeader: string | null,
  secret: string,
  now = Date.now(),
): Promise<LookedUpSession | undefined> {
  if (!cookieHeader || cookieValue(cookieHeader, DONT_REMEMBER_COOKIES) !== undefined) return undefined;
  const raw = cookieValue(cookieHeader, TOKEN_COOKIES);
  const token = raw === undefined ? undefined : verifiedToken(raw, secret);
  if (!token) return undefined;
  const [row] = rowsOf<{
    session_id: string;
    created_at: Date | string;
    expires_at: Date | string;
    user_id: string;
    name: string;
    email: string;
    role: string | null;
    banned: boolean | null;
    ban_expires: Date | string | null;
  }>(
    await db.execute(sql`
      select s.id as session_id, s.created_at, s.expires_at, u.id as user_id, u.name, u.email, u.role,
        u.banned, u.ban_expires
      from sessions s join users u on u.id = s.user_id
      where s.token = ${token}`),
  );
  if (!row) return undefined;
  const expiresAt = new Date(row.expires_at);
  if (expiresAt.getTime() <= now) return undefined;
  // better-auth slides the expiry once a session is a refresh period old: let it do that.
  if (expiresAt.getTime() - SESSION_SLIDING_SECONDS * 1000 + SESSION_REFRESH_SECONDS * 1000 <= now) {
    return undefined;
  }
  return {
    session: { id: row.session_id, createdAt: new Date(row.created_at), expiresAt },
    user: {
      id: row.user_id,
      name: row.name,
      email: row.email,
      role: row.role,
      banned: row.banned,
      banExpires: row.ban_expires === null ? null : new Date(row.ban_expires),
    },
  };
}
