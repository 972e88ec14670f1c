/**
 * The benchmark across load shapes, one `bench/run.ts` run each, one after the other on this machine:
 * editors 1/5/20/50 (3 integrations), integrations 1/3/10 (20 editors), normal load (10 saves/s) and the
 * default run on PGlite, the embedded default. Writes bench/results/sweep.json and prints a table.
 *
 *   npm run bench:sweep                      # ~15 min
 *   npm run bench:sweep -- --only pglite     # one case by name
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { table } from "./lib/stats";

const ROOT = path.resolve(import.meta.dirname, "..");
const RESULTS = path.join(ROOT, "bench/results");
const { values: flags } = parseArgs({ options: { only: { type: "string", multiple: true } } });

const CASES: { name: string; args: string[] }[] = [
  { name: "editors 1", args: ["--editors", "1"] },
  { name: "editors 5", args: ["--editors", "5"] },
  { name: "editors 20", args: ["--editors", "20"] },
  { name: "editors 50", args: ["--editors", "50"] },
  { name: "integrations 1", args: ["--integrations", "1"] },
  { name: "integrations 10", args: ["--integrations", "10"] },
  { name: "10 saves/s", args: ["--rate", "10", "--items", "30"] },
  { name: "pglite", args: ["--driver", "pglite"] },
];

type Run = {
  config: { editors: number; integrations: number; rateLimitPerSec: number | null; database: string };
  saves: { perSec: number; serverMs: { p50: number; p99: number } };
  deliveries: { perSec: number; complete: boolean; saveToReceiveMs: { p50: number; p99: number } };
  cpu: { nextMsPerDelivery: number; engineMsPerDelivery: number; postgresMsPerDelivery: number };
  ceiling: { perSec: number };
  memory: { label: string; peakRssMiB?: number }[];
};

const chosen = CASES.filter(
  (c) => !flags.only || flags.only.includes(c.name.replaceAll(" ", "-")) || flags.only.includes(c.name),
);
const runs: { name: string; run?: Run; error?: string }[] = [];
for (const c of chosen) {
  const out = path.join(os.tmpdir(), `bench-sweep-${c.name.replace(/\W+/g, "-")}.json`);
  fs.rmSync(out, { force: true });
  console.log(`[sweep] ${c.name}: npm run bench -- ${c.args.join(" ")}`);
  const child = spawnSync(
    process.execPath,
    ["--import", "tsx", "bench/run.ts", "--page-syncs", "0", ...c.args, "--out", out],
    { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] },
  );
  if (fs.existsSync(out)) runs.push({ name: c.name, run: JSON.parse(fs.readFileSync(out, "utf8")) as Run });
  else runs.push({ name: c.name, error: `exit ${child.status}` });
}

fs.mkdirSync(RESULTS, { recursive: true });
fs.writeFileSync(
  path.join(RESULTS, "sweep.json"),
  `${JSON.stringify({ at: new Date().toISOString(), runs }, null, 2)}\n`,
);
const rows: (string | number)[][] = [
  [
    "case",
    "saves/s",
    "save p50/p99 ms",
    "deliveries/s",
    "save→receive p50/p99 ms",
    "CPU/delivery app/engine/db ms",
    "next RSS MiB",
    "ceiling/s",
  ],
];
for (const { name, run, error } of runs) {
  if (!run) {
    rows.push([name, error ?? "failed", "", "", "", "", "", ""]);
    continue;
  }
  const next = run.memory.find((m) => m.label === "next-server");
  rows.push([
    name,
    run.saves.perSec,
    `${run.saves.serverMs.p50} / ${run.saves.serverMs.p99}`,
    `${run.deliveries.perSec}${run.deliveries.complete ? "" : " (incomplete)"}`,
    `${run.deliveries.saveToReceiveMs.p50} / ${run.deliveries.saveToReceiveMs.p99}`,
    `${run.cpu.nextMsPerDelivery} / ${run.cpu.engineMsPerDelivery} / ${run.cpu.postgresMsPerDelivery}`,
    next?.peakRssMiB ?? "?",
    run.ceiling.perSec,
  ]);
}
console.log(`\n${table(rows)}`);
