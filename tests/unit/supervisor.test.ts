import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { freePort } from "../../scripts/free-port";
import { type ProcessSpec, type Supervisor, supervise } from "../../scripts/supervisor.mjs";

const SUPERVISOR = path.resolve(import.meta.dirname, "../../scripts/supervisor.mjs");

/** The real process: an HTTP server on `argv[1]` that says where it listens and with which pid. */
const SERVER = `
const port = Number(process.argv[1]);
require("node:http")
  .createServer((req, res) => res.end(String(process.pid)))
  .listen(port, "127.0.0.1", () => console.log("listening " + port + " " + process.pid));
`;

/**
 * A wrapper like `tsx` (or `next dev`): starts the real process as its own child, relays SIGINT and
 * SIGTERM, exits with its code. SIGKILL on the wrapper leaves the real process running.
 */
const WRAPPER = `
const child = require("node:child_process").spawn(process.execPath, ["-e", process.argv[1], process.argv[2]], { stdio: "inherit" });
for (const s of ["SIGINT", "SIGTERM"]) process.on(s, () => child.kill(s));
child.on("exit", (code) => process.exit(code ?? 1));
`;

function wrapped(name: string, port: number): ProcessSpec {
  return { name, command: process.execPath, args: ["-e", WRAPPER, SERVER, String(port)] };
}

/** Whether anything listens on the port: a bind attempt, not a connect, so a closing socket counts. */
async function portHeld(port: number): Promise<boolean> {
  const server = net.createServer();
  return new Promise((resolve) => {
    server.once("error", () => resolve(true));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(false)));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

type Line = { at: number; text: string };

/** Output lines, and the pid each `listening <port> <pid>` line announced, in order. */
function capture() {
  const lines: Line[] = [];
  return {
    lines,
    write: (text: string) => {
      for (const line of text.split("\n").filter(Boolean)) lines.push({ at: Date.now(), text: line });
    },
    listening: (port: number) =>
      lines.flatMap(({ text }) => {
        const m = text.match(new RegExp(`listening ${port} (\\d+)$`));
        return m ? [Number(m[1])] : [];
      }),
  };
}

let running: Supervisor | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe("the dev supervisor", { timeout: 20_000 }, () => {
  it("stops a wrapper's real process when the wrapper is killed, so the restart gets the port", async () => {
    const port = await freePort();
    const out = capture();
    running = supervise([wrapped("engine", port)], {
      write: out.write,
      handleSignals: false,
      initialBackoffMs: 50,
    });
    const [realPid] = await vi.waitFor(
      () => {
        const pids = out.listening(port);
        expect(pids).toHaveLength(1);
        return pids;
      },
      { timeout: 10_000 },
    );
    const wrapperPid = running.pids().engine!;
    expect(wrapperPid).not.toBe(realPid);

    process.kill(wrapperPid, "SIGKILL");

    await vi.waitFor(() => expect(out.listening(port)).toHaveLength(2), { timeout: 10_000 });
    expect(alive(realPid)).toBe(false);
    expect(out.lines.some((l) => /EADDRINUSE/.test(l.text))).toBe(false);
    const answer = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
    expect(Number(answer)).toBe(out.listening(port)[1]);
  });

  it("starts an exiting process again with a growing backoff while the others keep running", async () => {
    const [enginePort, appPort] = [await freePort(), await freePort()];
    const out = capture();
    running = supervise([wrapped("engine", enginePort), wrapped("app", appPort)], {
      write: out.write,
      handleSignals: false,
      initialBackoffMs: 200,
    });
    await vi.waitFor(
      () => {
        expect(out.listening(enginePort)).toHaveLength(1);
        expect(out.listening(appPort)).toHaveLength(1);
      },
      { timeout: 10_000 },
    );
    const appPid = out.listening(appPort)[0];

    for (const [round, backoffMs] of [
      [1, 200],
      [2, 400],
    ]) {
      const killedAt = Date.now();
      process.kill(out.listening(enginePort)[round - 1], "SIGKILL");
      await vi.waitFor(() => expect(out.listening(enginePort)).toHaveLength(round + 1), { timeout: 10_000 });
      const restartedAt = out.lines.findLast((l) => l.text.includes(`listening ${enginePort}`))!.at;
      expect(restartedAt - killedAt).toBeGreaterThanOrEqual(backoffMs);
      expect(out.lines.map((l) => l.text)).toContainEqual(
        expect.stringMatching(new RegExp(`^\\[engine\\] exited .*starting it again in ${backoffMs} ms`)),
      );
      // The app was never stopped: the same process answers.
      expect(await fetch(`http://127.0.0.1:${appPort}/`).then((r) => r.text())).toBe(String(appPid));
    }
    expect(out.listening(appPort)).toEqual([appPid]);
  });

  it("gives up and stops everything when a process keeps failing to start", async () => {
    const port = await freePort();
    const out = capture();
    running = supervise(
      [{ name: "broken", command: process.execPath, args: ["-e", "process.exit(3)"] }, wrapped("app", port)],
      { write: out.write, handleSignals: false, initialBackoffMs: 10, maxFailedStarts: 3 },
    );
    expect(await running.done).toBe(1);
    expect(out.lines.map((l) => l.text)).toContainEqual(
      expect.stringMatching(/^\[broken\] exited \(code 3\).*failed 3 times in a row, stopping everything/),
    );
    expect(await portHeld(port)).toBe(false);
  });
});

describe("the supervisor as a process", { timeout: 20_000 }, () => {
  /** A supervisor process running two wrapped servers; resolves once both listen. */
  async function startSupervisorProcess() {
    const ports = [await freePort(), await freePort()];
    const specs = [wrapped("engine", ports[0]), wrapped("app", ports[1])];
    const child = spawn(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `import { supervise } from ${JSON.stringify(SUPERVISOR)};
         const sup = supervise(${JSON.stringify(specs)}, { stopTimeoutMs: 2000 });
         sup.done.then((code) => process.exit(code));`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    const pids = await vi.waitFor(
      () => {
        const found = ports.map((port) => output.match(new RegExp(`listening ${port} (\\d+)`))?.[1]);
        if (found.some((p) => p === undefined)) throw new Error(`not listening yet:\n${output}`);
        return found.map(Number);
      },
      { timeout: 10_000 },
    );
    return { child, ports, pids };
  }

  function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  }

  it("stops everything on SIGINT: no process is left and no port is held once it has exited", async () => {
    const { child, ports, pids } = await startSupervisorProcess();
    const exit = exited(child);
    child.kill("SIGINT");
    expect(await exit).toEqual({ code: 0, signal: null });
    expect(pids.filter(alive)).toEqual([]);
    for (const port of ports) expect(await portHeld(port)).toBe(false);
  });

  it("leaves nothing behind when the supervisor itself is SIGKILLed (its watchdog stops the groups)", async () => {
    const { child, ports, pids } = await startSupervisorProcess();
    const exit = exited(child);
    child.kill("SIGKILL");
    expect((await exit).signal).toBe("SIGKILL");
    await vi.waitFor(
      async () => {
        expect(pids.filter(alive)).toEqual([]);
        for (const port of ports) expect(await portHeld(port)).toBe(false);
      },
      { timeout: 10_000 },
    );
  });
});
