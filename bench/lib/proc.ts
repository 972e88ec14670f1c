import fs from "node:fs";
import os from "node:os";

/** Machine facts for the report (nproc, CPU model, RAM, load average). */
export function machineInfo() {
  const cpuinfo = fs.readFileSync("/proc/cpuinfo", "utf8");
  const model = /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? "unknown";
  return {
    nproc: os.availableParallelism(),
    cpuModel: model,
    ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel: os.release(),
  };
}

export function loadAverage(): [number, number, number] {
  return os.loadavg().map((v) => Math.round(v * 100) / 100) as [number, number, number];
}

function childrenOf(pid: number): number[] {
  try {
    const tasks = fs.readdirSync(`/proc/${pid}/task`);
    return tasks.flatMap((tid) => {
      try {
        return fs
          .readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8")
          .split(/\s+/)
          .filter(Boolean)
          .map(Number);
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}

/** A process and all its descendants (tsx and `next start` may run the real work in a child). */
function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...childrenOf(out[i]));
  return out;
}

function statusKb(pid: number): { rss: number; hwm: number; name: string } | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(text)?.[1] ?? 0);
    return { rss: kb("VmRSS"), hwm: kb("VmHWM"), name: /Name:\s+(.+)/.exec(text)?.[1] ?? "?" };
  } catch {
    return null;
  }
}

/** Samples VmRSS of a process tree; keeps the peak of the tree's sum and each process's VmHWM. */
export class MemorySampler {
  private peakTreeRssKb = 0;
  private readonly hwmKb = new Map<number, { name: string; hwm: number }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly label: string,
    private readonly rootPid: number,
  ) {}

  start(intervalMs = 250): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample(): void {
    let sum = 0;
    for (const pid of processTree(this.rootPid)) {
      const s = statusKb(pid);
      if (!s) continue;
      sum += s.rss;
      const seen = this.hwmKb.get(pid);
      if (!seen || s.hwm > seen.hwm) this.hwmKb.set(pid, { name: s.name, hwm: s.hwm });
    }
    this.peakTreeRssKb = Math.max(this.peakTreeRssKb, sum);
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    const largest = [...this.hwmKb.values()].sort((a, b) => b.hwm - a.hwm)[0];
    return {
      label: this.label,
      peakRssMiB: Math.round(this.peakTreeRssKb / 102.4) / 10,
      largestProcess: largest?.name ?? "?",
      largestVmHwmMiB: largest ? Math.round(largest.hwm / 102.4) / 10 : 0,
    };
  }
}

/** CPU time (user + system) a process tree has used so far, in ms (from /proc/<pid>/stat). */
export function cpuTimeMs(rootPid: number): number {
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  let total = 0;
  for (const pid of processTree(rootPid)) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += (Number(fields[11]) + Number(fields[12])) * tick;
    } catch {
      // gone
    }
  }
  return total;
}

/** CPU time of this process's descendants with a given name (e.g. the embedded PostgreSQL's backends). */
export function cpuTimeMsByName(rootPid: number, name: string): number {
  let total = 0;
  for (const pid of processTree(rootPid)) {
    if (pid === rootPid || statusKb(pid)?.name !== name) continue;
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // utime + stime + cutime + cstime: exited backends are counted through their parent.
      total += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 10;
    } catch {
      // gone
    }
  }
  return total;
}
