import "server-only";
import { asc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type ChangeEventType, type Integration, integrations } from "@/db/schema";

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
  const [row] = await db.insert(integrations).values(fields).returning();
  return row;
}

/** An empty header value on edit keeps the stored one (the form never shows it). */
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
      ...(rest.headerName === null ? { headerValue: null } : headerValue ? { headerValue } : {}),
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
      secret: newSecret,
      updatedAt: sql`now()`,
    })
    .where(eq(integrations.id, id))
    .returning();
  return row;
}
