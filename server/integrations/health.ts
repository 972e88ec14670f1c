import "server-only";
import { and, desc, eq, gte, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { integrationSyncs, type SyncStatus } from "@/db/schema";
import { type IntegrationSummary, listIntegrations } from "./integrations";

/** How far back "consecutive failures" looks; more than this shows as "50+". */
export const CONSECUTIVE_FAILURES_WINDOW = 50;

type IntegrationHealth = {
  /** Deliveries created in the last 24 h, settled ones only count towards the rate. */
  synced24h: number;
  failed24h: number;
  pending: number;
  successRate24h: number | null;
  lastSuccessAt: string | null;
  /** Failed deliveries since the last successful one (newest first), capped at the window. */
  consecutiveFailures: number;
  lastFailure: { at: string; statusCode: number | null; error: string | null } | null;
};

export type IntegrationWithHealth = IntegrationSummary & { health: IntegrationHealth };

/**
 * Every integration (never its secrets) with its health. Per integration, the recent settled
 * deliveries are read newest first from `integration_syncs_integration_created_idx`, so the cost
 * does not grow with the history.
 */
export async function listIntegrationHealth(db: Db): Promise<IntegrationWithHealth[]> {
  const all = await listIntegrations(db);
  if (!all.length) return [];
  const ids = all.map((i) => i.id);
  const [counts, pending] = await Promise.all([
    db
      .select({
        integrationId: integrationSyncs.integrationId,
        status: integrationSyncs.status,
        count: sql<number>`count(*)::int`,
      })
      .from(integrationSyncs)
      .where(
        and(
          inArray(integrationSyncs.integrationId, ids),
          gte(integrationSyncs.createdAt, sql`now() - interval '24 hours'`),
        ),
      )
      .groupBy(integrationSyncs.integrationId, integrationSyncs.status),
    db
      .select({ integrationId: integrationSyncs.integrationId, count: sql<number>`count(*)::int` })
      .from(integrationSyncs)
      .where(and(inArray(integrationSyncs.integrationId, ids), eq(integrationSyncs.status, "pending")))
      .groupBy(integrationSyncs.integrationId),
  ]);
  const recent = await Promise.all(all.map((i) => recentSettled(db, i.id)));
  return all.map((integration, index) => {
    const count = (status: SyncStatus) =>
      counts.find((c) => c.integrationId === integration.id && c.status === status)?.count ?? 0;
    const synced24h = count("synced");
    const failed24h = count("failed");
    const { lastSuccessAt, consecutiveFailures, lastFailure } = recent[index];
    return {
      ...integration,
      health: {
        synced24h,
        failed24h,
        pending: pending.find((p) => p.integrationId === integration.id)?.count ?? 0,
        successRate24h: synced24h + failed24h ? synced24h / (synced24h + failed24h) : null,
        lastSuccessAt,
        consecutiveFailures,
        lastFailure,
      },
    };
  });
}

async function recentSettled(db: Db, integrationId: number) {
  const rows = await db
    .select({
      status: integrationSyncs.status,
      completedAt: integrationSyncs.completedAt,
      updatedAt: integrationSyncs.updatedAt,
      lastStatusCode: integrationSyncs.lastStatusCode,
      lastError: integrationSyncs.lastError,
    })
    .from(integrationSyncs)
    .where(
      and(
        eq(integrationSyncs.integrationId, integrationId),
        inArray(integrationSyncs.status, ["synced", "failed"]),
      ),
    )
    .orderBy(sql`${integrationSyncs.createdAt} desc nulls last`, desc(integrationSyncs.id))
    .limit(CONSECUTIVE_FAILURES_WINDOW);
  const firstSuccess = rows.findIndex((r) => r.status === "synced");
  const consecutiveFailures = firstSuccess === -1 ? rows.length : firstSuccess;
  let lastSuccessAt: Date | null = null;
  if (firstSuccess >= 0) {
    const r = rows[firstSuccess];
    lastSuccessAt = r.completedAt ?? r.updatedAt;
  } else {
    const [older] = await db
      .select({
        at: sql<Date>`coalesce(${integrationSyncs.completedAt}, ${integrationSyncs.updatedAt})`.mapWith(
          integrationSyncs.updatedAt,
        ),
      })
      .from(integrationSyncs)
      .where(and(eq(integrationSyncs.integrationId, integrationId), eq(integrationSyncs.status, "synced")))
      .orderBy(sql`${integrationSyncs.createdAt} desc nulls last`)
      .limit(1);
    lastSuccessAt = older?.at ?? null;
  }
  const failure = rows.find((r) => r.status === "failed");
  return {
    lastSuccessAt: lastSuccessAt?.toISOString() ?? null,
    consecutiveFailures,
    lastFailure: failure
      ? {
          at: (failure.completedAt ?? failure.updatedAt).toISOString(),
          statusCode: failure.lastStatusCode,
          error: failure.lastError,
        }
      : null,
  };
}
