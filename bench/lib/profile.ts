import fs from "node:fs";
import path from "node:path";

type CpuNode = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
};
type CpuProfile = { nodes: CpuNode[]; startTime: number; endTime: number; samples: number[] };

/** Where a frame's code lives: a package in node_modules, our own file, or node itself. */
function owner(url: string): string {
  if (!url) return "(native/gc/idle)";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "node_modules/".length).split("/");
    return rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith("node:")) return "node:internal";
  const chunk = /\.next\/server\/(chunks\/.*|app\/.*)/.exec(url);
  if (chunk) return `.next/${chunk[1].split("/")[0]}`;
  return path.basename(url);
}

export type ProfileSummary = {
  file: string;
  totalMs: number;
  idleMs: number;
  byOwner: { owner: string; ms: number; pct: number }[];
  topFunctions: { fn: string; ms: number; pct: number }[];
};

/** Self time per package and per function of a .cpuprofile (Node's --cpu-prof). */
function summarizeProfile(file: string, top = 20): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const samples = profile.samples.length || 1;
  const msPerSample = totalMs / samples;
  const byOwner = new Map<string, number>();
  const byFn = new Map<string, number>();
  let idleMs = 0;
  for (const node of profile.nodes) {
    const ms = (node.hitCount ?? 0) * msPerSample;
    if (!ms) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === "(idle)" || functionName === "(program)") {
      if (functionName === "(idle)") idleMs += ms;
      continue;
    }
    const o = functionName === "(garbage collector)" ? "(gc)" : owner(url);
    byOwner.set(o, (byOwner.get(o) ?? 0) + ms);
    const key = `${functionName || "(anonymous)"} ${o}${url ? `:${lineNumber + 1}` : ""}`;
    byFn.set(key, (byFn.get(key) ?? 0) + ms);
  }
  const busy = totalMs - idleMs || 1;
  const rank = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, ms]) => ({ key: k, ms: Math.round(ms), pct: Math.round((ms / busy) * 1000) / 10 }));
  return {
    file,
    totalMs: Math.round(totalMs),
    idleMs: Math.round(idleMs),
    byOwner: rank(byOwner).map(({ key, ms, pct }) => ({ owner: key, ms, pct })),
    topFunctions: rank(byFn).map(({ key, ms, pct }) => ({ fn: key, ms, pct })),
  };
}

/** Summaries of every profile in a folder, largest busy time first. */
export function summarizeProfiles(dir: string, top = 20): ProfileSummary[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .map((f) => summarizeProfile(path.join(dir, f), top))
    .sort((a, b) => b.totalMs - b.idleMs - (a.totalMs - a.idleMs));
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  for (const s of summarizeProfiles(
    process.argv[2] ?? "bench/results/profiles",
    Number(process.argv[3] ?? 25),
  )) {
    console.log(`\n== ${s.file}: ${s.totalMs} ms wall, ${s.totalMs - s.idleMs} ms busy`);
    for (const o of s.byOwner)
      console.log(`  ${String(o.ms).padStart(7)} ms ${String(o.pct).padStart(5)}%  ${o.owner}`);
    console.log("  -- functions");
    for (const f of s.topFunctions)
      console.log(`  ${String(f.ms).padStart(7)} ms ${String(f.pct).padStart(5)}%  ${f.fn}`);
  }
}
