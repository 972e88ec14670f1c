import "server-only";
import { and, eq, gte, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { integrationSyncs, type SyncStatus } from "@/db/schema";
import { type IntegrationSummary, listIntegrations } from "./integrations";

type IntegrationHealth = {
  /** Deliveries created in the last 24 h, settled ones only count towards the rate. */
  synced24h: number;
  failed24h: number;
  pending: number;
  successRate24h: number | null;
  /** The last successful attempt (a retry that got through counts). */
  lastSuccessAt: string | null;
  /** Failed attempts since the last successful one: every retry counts, not only syncs given up. */
  consecutiveFailures: number;
  /** The first failed attempt of that streak; null while the last attempt succeeded. */
  failingSince: string | null;
  lastFailure: { at: string; statusCode: number | null; error: string | null } | null;
};

export type IntegrationWithHealth = IntegrationSummary & { health: IntegrationHealth };

/**
 * Every integration (never its secrets) with its health: the 24 h counts from
 * `integration_syncs_integration_created_idx`, the attempt streak, last success and failure from the
 * integration's own row (recordAttempt moves them with every attempt), so the cost does not grow with
 * the history.
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
  return all.map((integration) => {
    const count = (status: SyncStatus) =>
      counts.find((c) => c.integrationId === integration.id && c.status === status)?.count ?? 0;
    const synced24h = count("synced");
    const failed24h = count("failed");
    return {
      ...integration,
      health: {
        synced24h,
        failed24h,
        pending: pending.find((p) => p.integrationId === integration.id)?.count ?? 0,
        successRate24h: synced24h + failed24h ? synced24h / (synced24h + failed24h) : null,
        lastSuccessAt: integration.lastSuccessAt?.toISOString() ?? null,
        consecutiveFailures: integration.failedAttemptsInARow,
        failingSince: integration.failingSince?.toISOString() ?? null,
        lastFailure: integration.lastFailureAt
          ? {
              at: integration.lastFailureAt.toISOString(),
              statusCode: integration.lastFailureStatus,
              error: integration.lastFailureError,
            }
          : null,
      },
    };
  });
}
