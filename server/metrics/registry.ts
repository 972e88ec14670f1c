import "server-only";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Db } from "@/db/client";
import { logger } from "@/lib/logger";
import { readDeliveryGauges } from "./queries";

/**
 * The app's Prometheus metrics (`/api/metrics`). Counters and the latency histogram count what this
 * process did (Prometheus sums the replicas); the gauges are read from the database at scrape time,
 * so every replica reports the same backlog and a scrape never depends on which one delivered.
 */

type Metrics = {
  registry: Registry;
  deliveries: Counter<"integration" | "outcome">;
  attemptDuration: Histogram<"integration" | "outcome">;
  pending: Gauge<"integration">;
  oldestPendingAge: Gauge<"integration">;
  failedAttemptsInARow: Gauge<"integration">;
  paused: Gauge<"integration">;
  outboxBacklog: Gauge;
  outboxOldestAge: Gauge;
  databaseUp: Gauge;
};

function create(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "fixed_service_" });
  const registers = [registry];
  const perIntegration = (name: string, help: string) =>
    new Gauge({ name, help, labelNames: ["integration"] as const, registers });
  const pending = perIntegration(
    "fixed_service_pending_syncs",
    "Syncs waiting to be delivered (pending), per integration",
  );
  const oldestPendingAge = perIntegration(
    "fixed_service_oldest_pending_age_seconds",
    "Age of the oldest pending sync per integration (0 when none is pending)",
  );
  const failedAttemptsInARow = perIntegration(
    "fixed_service_failed_attempts_in_a_row",
    "Failed attempts since the integration's last successful one",
  );
  const paused = perIntegration(
    "fixed_service_integration_paused",
    "1 while the integration is paused (by an admin, a 410 or the auto-pause), else 0",
  );
  const outboxBacklog = new Gauge({
    name: "fixed_service_outbox_backlog",
    help: "Saved change events not yet handed to Inngest",
    registers,
  });
  const outboxOldestAge = new Gauge({
    name: "fixed_service_outbox_oldest_age_seconds",
    help: "Age of the oldest change event not yet handed to Inngest (0 when none)",
    registers,
  });
  const databaseUp = new Gauge({
    name: "fixed_service_database_up",
    help: "1 when the last scrape could read the database, else 0",
    registers,
  });
  return {
    registry,
    deliveries: new Counter({
      name: "fixed_service_deliveries_total",
      help: "Syncs settled by this process: synced (a 2xx) or failed (given up)",
      labelNames: ["integration", "outcome"] as const,
      registers,
    }),
    attemptDuration: new Histogram({
      name: "fixed_service_attempt_duration_seconds",
      help: "Duration of one webhook POST (an attempt), by outcome (success: a 2xx)",
      labelNames: ["integration", "outcome"] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    pending,
    oldestPendingAge,
    failedAttemptsInARow,
    paused,
    outboxBacklog,
    outboxOldestAge,
    databaseUp,
  };
}

// One registry per process, kept across Next's module reloads in development (a second registration of
// the same name would throw).
const holder = globalThis as typeof globalThis & { __fixedServiceMetrics?: Metrics };

function metrics(): Metrics {
  holder.__fixedServiceMetrics ??= create();
  return holder.__fixedServiceMetrics;
}

/** One recorded attempt: its latency, and a delivery when it synced the sync. */
export function observeAttempt(integration: string, succeeded: boolean, durationMs: number): void {
  const m = metrics();
  const outcome = succeeded ? "success" : "failure";
  m.attemptDuration.observe({ integration, outcome }, durationMs / 1000);
  if (succeeded) m.deliveries.inc({ integration, outcome: "synced" });
}

/** A sync given up (marked failed): counted once, by the statement that moved it. */
export function observeFailedDelivery(integration: string): void {
  metrics().deliveries.inc({ integration, outcome: "failed" });
}

/** Sets the gauges from the database; a failing read leaves them out and says so in database_up. */
async function readGauges(m: Metrics, db: Db): Promise<void> {
  for (const g of [m.pending, m.oldestPendingAge, m.failedAttemptsInARow, m.paused]) g.reset();
  try {
    const gauges = await readDeliveryGauges(db);
    for (const i of gauges.integrations) {
      const labels = { integration: i.name };
      m.pending.set(labels, i.pending);
      m.oldestPendingAge.set(labels, i.oldestPendingAgeSeconds);
      m.failedAttemptsInARow.set(labels, i.failedAttemptsInARow);
      m.paused.set(labels, i.paused ? 1 : 0);
    }
    m.outboxBacklog.set(gauges.outbox.backlog);
    m.outboxOldestAge.set(gauges.outbox.oldestAgeSeconds);
    m.databaseUp.set(1);
  } catch (error) {
    logger.warn({ err: error }, "Metrics scrape could not read the database");
    m.outboxBacklog.reset();
    m.outboxOldestAge.reset();
    m.databaseUp.set(0);
  }
}

/**
 * The Prometheus text exposition, with the database gauges read now (one query; an integration removed
 * since the last scrape drops out of them).
 */
export async function renderMetrics(db: () => Db): Promise<{ contentType: string; body: string }> {
  const m = metrics();
  await readGauges(m, db());
  return { contentType: m.registry.contentType, body: await m.registry.metrics() };
}
