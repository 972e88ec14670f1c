import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { getCookies, parseCookies } from "better-auth/cookies";
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

/** better-call's signed cookie (decoded): `<token>.<base64 HMAC-SHA256(secret, token)>`. */
function verifiedToken(value: string, secret: string): string | undefined {
  const dot = value.lastIndexOf(".");
  if (dot < 1) return undefined;
  const token = value.slice(0, dot);
  const signature = value.slice(dot + 1);
  if (signature.length !== 44 || !signature.endsWith("=")) return undefined;
  const expected = createHmac("sha256", secret).update(token).digest();
  const given = Buffer.from(signature, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected) ? token : undefined;
}

/**
 * `auth`: the better-auth instance whose cookies these are: its own cookie names (the `__Secure-` prefix
 * on https), its own parser and its secret, so nothing here can drift from what better-auth accepts.
 */
export async function lookUpSession(
  db: Db,
  cookieHeader: string | null,
  auth: { options: Parameters<typeof getCookies>[0] & { secret?: string } },
  now = Date.now(),
): Promise<LookedUpSession | undefined> {
  const { secret } = auth.options;
  if (!cookieHeader || !secret) return undefined;
  const names = getCookies(auth.options);
  const cookies = parseCookies(cookieHeader);
  if (cookies.has(names.dontRememberToken.name)) return undefined;
  const raw = cookies.get(names.sessionToken.name);
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
