import "server-only";
import { and, asc, eq, isNotNull, lte, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type ChangeEventType, type Integration, integrations } from "@/db/schema";
import { appKeyring, encryptSecret, reencryptWith } from "@/lib/secrets";

/** What pages may show: never the secrets. */
export type IntegrationSummary = Omit<Integration, "secret" | "previousSecret" | "headerValue"> & {
  hasHeaderValue: boolean;
  rotationGraceUntil: Date | null;
};

export function summarizeIntegration(row: Integration, now = new Date()): IntegrationSummary {
  const { secret: _s, previousSecret: _p, headerValue, ...rest } = row;
  return {
    ...rest,
    hasHeaderValue: Boolean(headerValue),
    rotationGraceUntil:
      row.previousSecret && row.previousSecretExpiresAt && row.previousSecretExpiresAt > now
        ? row.previousSecretExpiresAt
        : null,
  };
}

export async function listIntegrations(db: Db): Promise<IntegrationSummary[]> {
  const rows = await db.select().from(integrations).orderBy(asc(integrations.name));
  return rows.map((r) => summarizeIntegration(r));
}

export async function getIntegration(db: Db, id: number): Promise<Integration | undefined> {
  const [row] = await db.select().from(integrations).where(eq(integrations.id, id));
  return row;
}

export async function getIntegrationByName(db: Db, name: string): Promise<Integration | undefined> {
  const [row] = await db.select().from(integrations).where(eq(integrations.name, name));
  return row;
}

export type IntegrationFields = {
  name: string;
  url: string;
  eventTypes: ChangeEventType[];
  headerName: string | null;
  headerValue: string | null;
};

export async function insertIntegration(
  db: Db,
  fields: IntegrationFields & { secret: string },
): Promise<Integration> {
  const [row] = await db
    .insert(integrations)
    .values({
      ...fields,
      secret: encryptSecret(fields.secret),
      headerValue: fields.headerValue === null ? null : encryptSecret(fields.headerValue),
    })
    .returning();
  return row;
}

/** An empty header value on edit keeps the stored one (the form never shows it); a new one is encrypted. */
export async function updateIntegration(
  db: Db,
  id: number,
  fields: IntegrationFields,
): Promise<Integration | undefined> {
  const { headerValue, ...rest } = fields;
  const [row] = await db
    .update(integrations)
    .set({
      ...rest,
      ...(rest.headerName === null
        ? { headerValue: null }
        : headerValue
          ? { headerValue: encryptSecret(headerValue) }
          : {}),
      updatedAt: sql`now()`,
    })
    .where(eq(integrations.id, id))
    .returning();
  return row;
}

export async function setIntegrationActive(
  db: Db,
  id: number,
  active: boolean,
  reason: string | null,
): Promise<Integration | undefined> {
  const [row] = await db
    .update(integrations)
    .set({
      active,
      pausedReason: active ? null : reason,
      pausedAt: active ? null : sql`now()`,
      // A resume starts the count towards an automatic pause again (auto-pause.ts); the health streak stays.
      ...(active ? { autoPauseStreak: 0, autoPauseStreakSince: null } : {}),
      updatedAt: sql`now()`,
    })
    .where(eq(integrations.id, id))
    .returning();
  return row;
}

/** The old secret keeps signing (a second signature) until the grace period ends. */
export async function rotateIntegrationSecret(
  db: Db,
  id: number,
  newSecret: string,
  graceUntil: Date,
): Promise<Integration | undefined> {
  const [row] = await db
    .update(integrations)
    .set({
      previousSecret: sql`${integrations.secret}`,
      previousSecretExpiresAt: graceUntil,
      secret: encryptSecret(newSecret),
      updatedAt: sql`now()`,
    })
    .where(eq(integrations.id, id))
    .returning();
  return row;
}

/** Ends rotations whose grace period is over: the old secret is deleted, not just no longer used. */
export async function clearExpiredPreviousSecrets(db: Db, now = new Date()): Promise<number> {
  const rows = await db
    .update(integrations)
    .set({ previousSecret: null, previousSecretExpiresAt: null })
    .where(
      and(
        or(isNotNull(integrations.previousSecret), isNotNull(integrations.previousSecretExpiresAt)),
        or(
          sql`${integrations.previousSecretExpiresAt} is null`,
          lte(integrations.previousSecretExpiresAt, now),
        ),
      ),
    )
    .returning({ id: integrations.id });
  return rows.length;
}

/**
 * Encrypts what is still stored in plaintext (rows from before encryption at rest) and re-encrypts what
 * an earlier SECRETS_KEY wrote, under the current key. Runs on every start; idempotent.
 */
export async function reencryptStoredSecrets(db: Db): Promise<number> {
  const keyring = appKeyring();
  const rows = await db
    .select({
      id: integrations.id,
      secret: integrations.secret,
      previousSecret: integrations.previousSecret,
      headerValue: integrations.headerValue,
    })
    .from(integrations);
  let changed = 0;
  for (const row of rows) {
    const secret = reencryptWith(keyring, row.secret);
    const previousSecret = row.previousSecret === null ? null : reencryptWith(keyring, row.previousSecret);
    const headerValue = row.headerValue === null ? null : reencryptWith(keyring, row.headerValue);
    if (secret === null && previousSecret === null && headerValue === null) continue;
    // Compare-and-set on the values read, so a rotation or an edit in between is never overwritten.
    await db
      .update(integrations)
      .set({
        ...(secret ? { secret } : {}),
        ...(previousSecret ? { previousSecret } : {}),
        ...(headerValue ? { headerValue } : {}),
      })
      .where(
        and(
          eq(integrations.id, row.id),
          eq(integrations.secret, row.secret),
          row.previousSecret === null
            ? sql`${integrations.previousSecret} is null`
            : eq(integrations.previousSecret, row.previousSecret),
          row.headerValue === null
            ? sql`${integrations.headerValue} is null`
            : eq(integrations.headerValue, row.headerValue),
        ),
      );
    changed++;
  }
  return changed;
}
