// Runs a few long-lived processes side by side (`npm run dev`): each in its own process group, so
// stopping one stops everything it started (a `tsx` or `next` wrapper's real process included); one
// that exits is started again with backoff while the others keep running; SIGINT or SIGTERM stops
// them all. A watchdog process stops the groups when the supervisor itself dies, SIGKILL included.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const WATCHDOG = fileURLToPath(new URL("./supervisor-watchdog.mjs", import.meta.url));

const DEFAULTS = {
  write: (text) => process.stdout.write(text),
  formatLine: (line) => line,
  color: false,
  initialBackoffMs: 500,
  maxBackoffMs: 15_000,
  stableMs: 10_000,
  maxFailedStarts: 5,
  stopTimeoutMs: 5_000,
  handleSignals: true,
  watchdog: true,
};

/** Whether any process of the group `pgid` is still there (zombies included until reaped). */
export function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}

function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

async function waitUntilGone(pgid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (groupAlive(pgid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}

/** SIGTERM to the whole group, SIGKILL to whatever is left after `timeoutMs`; resolves once it is gone. */
export async function stopGroup(pgid, timeoutMs) {
  signalGroup(pgid, "SIGTERM");
  if (await waitUntilGone(pgid, timeoutMs)) return;
  signalGroup(pgid, "SIGKILL");
  await waitUntilGone(pgid, 5_000);
}

/**
 * Starts every spec and keeps it running. Returns `stop()` (stops everything, resolves with the exit
 * code), `done` (resolves with the exit code once everything has stopped: after a signal, `stop()`, or a
 * process that failed to start `maxFailedStarts` times in a row) and `pids()` (the current group ids).
 * @param {import("./supervisor.d.mts").ProcessSpec[]} specs
 * @param {Partial<import("./supervisor.d.mts").SuperviseOptions>} [options]
 */
export function supervise(specs, options = {}) {
  const o = { ...DEFAULTS, ...options };
  const width = Math.max(...specs.map((s) => s.name.length));
  const children = specs.map((spec) => ({
    spec,
    prefix: o.color
      ? `\x1b[${spec.color ?? 37}m[${spec.name}]\x1b[0m${" ".repeat(width - spec.name.length)} `
      : `[${spec.name}]${" ".repeat(width - spec.name.length)} `,
    child: undefined,
    exited: Promise.resolve(),
    startedAt: 0,
    failedStarts: 0,
    backoffMs: o.initialBackoffMs,
    timer: undefined,
  }));
  let stopping;
  let resolveDone;
  const done = new Promise((resolve) => {
    resolveDone = resolve;
  });

  const watchdog = o.watchdog
    ? spawn(process.execPath, [WATCHDOG, String(o.stopTimeoutMs)], {
        detached: true,
        stdio: ["pipe", "ignore", "ignore"],
      })
    : undefined;
  watchdog?.unref();
  watchdog?.stdin.on("error", () => {});
  const tellWatchdog = (line) => watchdog?.stdin.writable && watchdog.stdin.write(`${line}\n`);

  const say = (c, text) => o.write(`${c.prefix}${text}\n`);

  function start(c) {
    c.timer = undefined;
    const { spec } = c;
    const child = spawn(spec.command, spec.args, {
      env: { ...process.env, ...spec.env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    c.child = child;
    c.startedAt = Date.now();
    if (child.pid !== undefined) tellWatchdog(`+${child.pid}`);
    for (const stream of [child.stdout, child.stderr]) {
      let buffer = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk) => {
        buffer += chunk;
        const lines = buffer.split("\n");
        buffer = lines.pop();
        for (const line of lines) say(c, o.formatLine(line));
      });
      stream.on("end", () => buffer && say(c, o.formatLine(buffer)));
    }
    c.exited = new Promise((resolve) => {
      let settled = false;
      const onGone = (code, signal, error) => {
        if (settled) return;
        settled = true;
        void afterExit(c, child, code, signal, error).then(resolve);
      };
      child.on("exit", (code, signal) => onGone(code, signal));
      child.on("error", (error) => onGone(null, null, error));
    });
  }

  async function afterExit(c, child, code, signal, error) {
    // The wrapper is gone; what it started may not be (tsx's real process, next's server).
    if (child.pid !== undefined) {
      await stopGroup(child.pid, o.stopTimeoutMs);
      tellWatchdog(`-${child.pid}`);
    }
    c.child = undefined;
    if (stopping) return;
    const ran = Date.now() - c.startedAt;
    const how = error ? error.message : `exited (${signal ?? `code ${code}`}) after ${formatMs(ran)}`;
    if (ran >= o.stableMs) {
      c.failedStarts = 0;
      c.backoffMs = o.initialBackoffMs;
    } else {
      c.failedStarts += 1;
    }
    if (c.failedStarts >= o.maxFailedStarts) {
      say(c, `${how}; it failed ${c.failedStarts} times in a row, stopping everything`);
      void stop(1);
      return;
    }
    say(c, `${how}; starting it again in ${formatMs(c.backoffMs)}, the others keep running`);
    c.timer = setTimeout(() => start(c), c.backoffMs);
    c.backoffMs = Math.min(c.backoffMs * 2, o.maxBackoffMs);
  }

  function stop(code = 0) {
    if (stopping) return stopping;
    stopping = (async () => {
      for (const c of children) {
        if (c.timer) clearTimeout(c.timer);
        c.timer = undefined;
      }
      await Promise.all(
        children.map(async (c) => {
          if (c.child?.pid !== undefined) await stopGroup(c.child.pid, o.stopTimeoutMs);
          await c.exited;
        }),
      );
      watchdog?.stdin.end();
      removeSignalHandlers();
      resolveDone(code);
      return code;
    })();
    return stopping;
  }

  let interrupts = 0;
  const onSignal = () => {
    interrupts += 1;
    if (interrupts === 1) {
      o.write("Stopping (Ctrl+C again to kill at once)\n");
      void stop(0);
    } else {
      for (const c of children) if (c.child?.pid !== undefined) signalGroup(c.child.pid, "SIGKILL");
    }
  };
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"];
  if (o.handleSignals) for (const s of signals) process.on(s, onSignal);
  function removeSignalHandlers() {
    if (o.handleSignals) for (const s of signals) process.off(s, onSignal);
  }

  for (const c of children) start(c);
  return {
    stop,
    done,
    pids: () => Object.fromEntries(children.map((c) => [c.spec.name, c.child?.pid])),
  };
}

function formatMs(ms) {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
