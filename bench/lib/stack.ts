import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { freePort } from "../../scripts/free-port";

/**
 * The processes the benchmark measures: `next start` (a production build, made in a copy of the
 * project so a build never clobbers anyone's `.next`) and the local engine, each its own child.
 */

// tests/ is left out: the build type-checks every file, and tests are not part of the app.
const SKIP_AT_ROOT = new Set([
  "node_modules",
  ".next",
  ".data",
  ".git",
  "tests",
  "test-results",
  "playwright-report",
]);

/**
 * What the sources look like: the commit plus every uncommitted change, so a copy built from other
 * sources is rebuilt. Null outside a git checkout (then every run rebuilds).
 */
function sourceFingerprint(source: string): string | null {
  const head = spawnSync("git", ["rev-parse", "HEAD"], { cwd: source, encoding: "utf8" });
  const diff = spawnSync("git", ["diff", "HEAD"], { cwd: source, encoding: "utf8", maxBuffer: 256 << 20 });
  const untracked = spawnSync("git", ["ls-files", "--others", "--exclude-standard"], {
    cwd: source,
    encoding: "utf8",
  });
  if (head.status !== 0 || diff.status !== 0 || untracked.status !== 0) return null;
  return createHash("sha256").update(head.stdout).update(diff.stdout).update(untracked.stdout).digest("hex");
}

/**
 * Copies the project to `target` (sources only) and hard-links node_modules into it (Turbopack does
 * not follow a node_modules symlink that leaves the project). Rebuilds when the copy has no build or
 * was built from other sources (or BENCH_REBUILD=1).
 */
export function prepareAppCopy(source: string, target: string, log: (line: string) => void): void {
  const fingerprint = sourceFingerprint(source);
  const marker = path.join(target, ".next/bench-source");
  const built = fs.existsSync(path.join(target, ".next/BUILD_ID"));
  const same =
    built &&
    fingerprint !== null &&
    fs.existsSync(marker) &&
    fs.readFileSync(marker, "utf8").trim() === fingerprint;
  if (!same || process.env.BENCH_REBUILD === "1") {
    log(`copying ${source} → ${target} and building (next build)…`);
    fs.mkdirSync(target, { recursive: true });
    for (const entry of fs.readdirSync(target)) {
      if (entry !== "node_modules") fs.rmSync(path.join(target, entry), { recursive: true, force: true });
    }
    fs.cpSync(source, target, {
      recursive: true,
      filter: (src) => !(path.dirname(src) === source && SKIP_AT_ROOT.has(path.basename(src))),
    });
    const modules = path.join(target, "node_modules");
    if (!fs.existsSync(path.join(modules, "next/package.json"))) {
      fs.rmSync(modules, { recursive: true, force: true });
      const cp = spawnSync("cp", ["-al", path.join(source, "node_modules"), modules], { stdio: "inherit" });
      if (cp.status !== 0) fs.cpSync(path.join(source, "node_modules"), modules, { recursive: true });
    }
    const build = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
      cwd: target,
      stdio: ["ignore", "inherit", "inherit"],
      // Some pages read auth configuration while prerendering; the build never signs anything with it.
      env: {
        ...process.env,
        NEXT_TELEMETRY_DISABLED: "1",
        NODE_ENV: "production",
        BETTER_AUTH_SECRET: process.env.BETTER_AUTH_SECRET ?? "bench-build-only-secret-0123456789abcdef",
      },
    });
    if (build.status !== 0) fs.rmSync(path.join(target, ".next/BUILD_ID"), { force: true });
    if (build.status !== 0) throw new Error(`next build failed in ${target} (exit ${build.status})`);
    if (fingerprint) fs.writeFileSync(marker, fingerprint);
  }
}

export type Child = {
  name: string;
  pid: number;
  url: string;
  port: number;
  process: ChildProcess;
  logFile: string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
};

function spawnLogged(
  name: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; logDir: string; nodeArgs?: string[] },
) {
  fs.mkdirSync(options.logDir, { recursive: true });
  const logFile = path.join(options.logDir, `${name}.log`);
  const out = fs.openSync(logFile, "w");
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", out, out],
  });
  fs.closeSync(out);
  return { child, logFile };
}

function stopper(child: ChildProcess) {
  return (graceMs = 10_000) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      child.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill("SIGTERM");
    });
}

async function waitForHttp(url: string, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`${url}: process exited (${child.exitCode})`);
    try {
      // A hard 3 s bound besides the signal: a first render can leave the body read hanging.
      const status = await Promise.race([
        fetch(url, { signal: AbortSignal.timeout(2_000) }).then(async (res) => {
          await res.body?.cancel();
          return res.status;
        }),
        new Promise<number>((resolve) => setTimeout(() => resolve(0), 3_000).unref()),
      ]);
      if (status > 0 && status < 500) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function startNext(options: {
  appDir: string;
  env: NodeJS.ProcessEnv;
  logDir: string;
  profileDir?: string;
  /** Names the log file and the profile folder (several app processes in one run). */
  name?: string;
}): Promise<Child> {
  const name = options.name ?? "next";
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const nodeArgs = options.profileDir
    ? ["--cpu-prof", `--cpu-prof-dir=${path.join(options.profileDir, name)}`]
    : [];
  const { child, logFile } = spawnLogged(
    name,
    ["node_modules/next/dist/bin/next", "start", "-p", String(port), "-H", "127.0.0.1"],
    {
      cwd: options.appDir,
      env: {
        ...options.env,
        PORT: String(port),
        APP_URL: url,
        BETTER_AUTH_URL: url,
        NEXT_TELEMETRY_DISABLED: "1",
      },
      logDir: options.logDir,
      nodeArgs,
    },
  );
  await waitForHttp(`${url}/sign-in`, 120_000, child);
  return { name, pid: child.pid!, url, port, process: child, logFile, stop: stopper(child) };
}

export async function startEngineChild(options: {
  appDir: string;
  dataDir: string;
  sdkUrl: string;
  retryInterval?: string;
  env: NodeJS.ProcessEnv;
  logDir: string;
  profileDir?: string;
  port?: number;
}): Promise<Child> {
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const args = [
    "engine/main.ts",
    "--port",
    String(port),
    "--data-dir",
    options.dataDir,
    "--sdk-url",
    options.sdkUrl,
    ...(options.retryInterval ? ["--retry-interval", options.retryInterval] : []),
  ];
  // The engine runs as plain node with tsx's loader (no tsx CLI parent), so its pid is the engine's.
  const nodeArgs = [
    "--import",
    "tsx/esm",
    ...(options.profileDir
      ? ["--cpu-prof", `--cpu-prof-dir=${path.join(options.profileDir, "engine")}`]
      : []),
  ];
  const { child, logFile } = spawnLogged("engine", args, {
    cwd: options.appDir,
    env: options.env,
    logDir: options.logDir,
    nodeArgs,
  });
  await waitForHttp(`${url}/health`, 60_000, child);
  return { name: "engine", pid: child.pid!, url, port, process: child, logFile, stop: stopper(child) };
}
