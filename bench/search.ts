/**
 * The work-items list's search at scale: N work items (and two tasks each) in a migrated database, then
 * each typical query through listWorkItems, the function the list page calls, on each driver.
 *
 *   npm run bench:search                                   # 100,000 items, PostgreSQL and PGlite
 *   npm run bench:search -- --search-items 20000 --driver pglite --runs 15
 *
 * Flags (or env BENCH_<NAME>): --search-items, --driver (postgres | pglite | both), --runs. The items are
 * seeded by SQL with the search triggers off and their documents written in one statement (as migration 0010
 * backfills an existing database), then ANALYZE. Times are the function's wall time in this process (on
 * PGlite the database runs in this process too). Writes bench/results/search.json.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { type DbHandle, openDatabase } from "../db/client";
import { migrateDatabase } from "../db/migrate";
import { startPostgresServer } from "../scripts/postgres-server";
import { listWorkItems } from "../server/work-items/work-items";
import { machineInfo } from "./lib/proc";
import { round, summarize, table } from "./lib/stats";

const ROOT = path.resolve(import.meta.dirname, "..");
const { values: flags } = parseArgs({
  options: {
    "search-items": { type: "string" },
    driver: { type: "string" },
    runs: { type: "string" },
    out: { type: "string" },
  },
});
const opt = (name: string, fallback: string) =>
  (flags as Record<string, string | undefined>)[name] ??
  process.env[`BENCH_${name.toUpperCase().replaceAll("-", "_")}`] ??
  fallback;

const ITEMS = Number(opt("search-items", "100000"));
const RUNS = Number(opt("runs", "9"));
const DRIVER = opt("driver", "both");
if (!["postgres", "pglite", "both"].includes(DRIVER))
  throw new Error(`--driver must be postgres, pglite or both, not ${DRIVER}`);
const OUT = path.resolve(opt("out", path.join(ROOT, "bench/results/search.json")));

const log = (line: string) => console.log(`[bench:search] ${line}`);

/** What a counter clerk types: broad prefixes, two words, a name without its accent, contact details, codes. */
function queries(items: number) {
  const n = Math.max(1, Math.floor(items * 0.54321));
  return [
    { label: "prefix, broad", q: "batt" },
    { label: "two words", q: "cracked screen" },
    { label: "name without accent", q: "muller" },
    { label: "name + first name", q: "renee dubois" },
    { label: "e-mail", q: `customer${n}@example.com` },
    { label: "phone, last digits", q: String(700_000 + n).slice(-6) },
    { label: "serial, ending", q: `x${n}`.slice(-5) },
    { label: "reference", q: `RMA-${String(n).padStart(6, "0")}` },
    { label: "task title word", q: "digitizer" },
    { label: "nothing matches", q: "zzyzx" },
  ];
}

async function seed(db: DbHandle["db"], count: number) {
  await db.execute(sql`alter table work_items disable trigger user`);
  await db.execute(sql`alter table tasks disable trigger user`);
  await db.execute(sql`
    insert into work_items (title, description, customer_name, customer_email, customer_phone, device, serial_number, status)
    select
      (array['Cracked screen', 'Battery swells', 'No power', 'Charging port loose', 'Water damage',
             'Broken hinge', 'Speaker crackles', 'Camera blurry', 'Keyboard keys stuck', 'Fan noise',
             'HDMI port loose', 'Touch not responding', 'Overheating', 'Face ID fails', 'Replace battery'])[g % 15 + 1]
        || ' #' || g,
      (array['Dropped on pavement; display has a spider crack.', 'Battery health 71%, swollen.',
             'Coffee spill on the keyboard, corrosion near the USB-C controller.', '',
             'Customer says it restarts when charging.', 'Left stick drifts up.'])[g % 6 + 1],
      (array['Jürgen', 'Renée', 'Zoë', 'José', 'Łukasz', 'Anna', 'Liam', 'Maria', 'Noah', 'Emma', 'Søren', 'Chloé'])[g % 12 + 1]
        || ' ' ||
      (array['Müller', 'Dubois', 'Keller', 'García', 'Nowak', 'Lindqvist', 'O''Connor', 'Rossi', 'Fischer', 'Schulz',
             'Brown', 'Novák', 'Weber', 'Martin', 'Jensen', 'Moreau', 'Becker'])[(g / 12)::int % 17 + 1],
      'customer' || g || '@example.com',
      '+44 7700 ' || lpad((700000 + g)::text, 6, '0'),
      (array['iPhone 14 Pro', 'Samsung Galaxy S21', 'MacBook Air M1', 'PlayStation 5', 'Nintendo Switch OLED',
             'Pixel 8', 'ThinkPad X1', 'iPad Air', 'Dell XPS 13', 'Xbox Series X'])[g % 10 + 1],
      upper(substr(md5(g::text), 1, 6)) || '-X' || g,
      (array['new', 'in_progress', 'waiting_parts', 'resolved', 'closed'])[g % 5 + 1]::work_item_status
    from generate_series(1, ${count}::int) g`);
  await db.execute(sql`
    insert into tasks (work_item_id, title)
    select w.id, t.title
    from work_items w,
      lateral (values ((array['Order OEM display', 'Order digitizer', 'Discharge and remove battery safely',
                              'Ultrasonic clean of logic board', 'Replace keyboard', 'Test for 30 minutes'])[w.id % 6 + 1]),
                      ('Check Face ID after disassembly')) as t(title)`);
  await db.execute(sql`
    insert into work_item_search (work_item_id, document)
    select w.id, work_item_search_document(w.reference, w.title, w.description, w.device, w.serial_number,
      w.customer_name, w.customer_email, w.customer_phone, t.titles)
    from work_items w
    left join (select work_item_id, string_agg(title, ' ' order by id) as titles from tasks group by work_item_id) t
      on t.work_item_id = w.id`);
  await db.execute(sql`alter table work_items enable trigger user`);
  await db.execute(sql`alter table tasks enable trigger user`);
  await db.execute(sql`vacuum analyze`);
}

async function measure(driver: "postgres" | "pglite") {
  const pg = driver === "postgres" ? await startPostgresServer() : null;
  const handle = pg
    ? openDatabase({ driver: "postgres", url: pg.url, max: 10 })
    : openDatabase({ driver: "pglite" });
  try {
    await migrateDatabase(handle);
    const seedStart = performance.now();
    await seed(handle.db, ITEMS);
    const seedMs = performance.now() - seedStart;
    log(`${driver}: ${ITEMS.toLocaleString("en")} items seeded in ${round(seedMs / 1000, 1)} s`);
    const results = [];
    for (const { label, q } of queries(ITEMS)) {
      const first = await listWorkItems(handle.db, { q });
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        await listWorkItems(handle.db, { q });
        times.push(performance.now() - t0);
      }
      const s = summarize(times);
      results.push({
        label,
        q,
        matches: first.total,
        top: first.rows[0]?.title ?? null,
        p50Ms: s.p50,
        maxMs: s.max,
      });
      log(`${driver}: ${label} "${q}": ${first.total} matches, p50 ${s.p50} ms`);
    }
    // The same page with a picked sort (the ranking's cost is not the one a sorted search pays).
    const sortedTimes: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await listWorkItems(handle.db, { q: "batt", sort: "updated", dir: "desc" });
      sortedTimes.push(performance.now() - t0);
    }
    results.push({ label: "prefix, broad, sorted by updated", q: "batt", p50Ms: summarize(sortedTimes).p50 });
    return { driver, seedMs: round(seedMs), results };
  } finally {
    await handle.close();
    await pg?.stop();
  }
}

async function main() {
  const machine = machineInfo();
  log(`${machine.nproc} × ${machine.cpuModel}; ${ITEMS.toLocaleString("en")} items, ${RUNS} runs per query`);
  const drivers = DRIVER === "both" ? (["postgres", "pglite"] as const) : [DRIVER as "postgres" | "pglite"];
  const measured = [];
  for (const driver of drivers) measured.push(await measure(driver));
  const rows: (string | number)[][] = [["query", "matches", ...drivers.map((d) => `${d} p50 ms`)]];
  for (const [i, r] of measured[0].results.entries()) {
    rows.push([
      `${r.label} (${r.q})`,
      "matches" in r ? (r.matches ?? "") : "",
      ...measured.map((m) => m.results[i].p50Ms),
    ]);
  }
  console.log(`\n${table(rows)}\n`);
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(
    OUT,
    `${JSON.stringify({ at: new Date().toISOString(), machine, items: ITEMS, runs: RUNS, measured }, null, 2)}\n`,
  );
  log(`wrote ${path.relative(process.cwd(), OUT)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
