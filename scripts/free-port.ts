import { randomInt } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

const LOWEST = 10_000;

/** The first port of the kernel's ephemeral range (Linux's default when it cannot be read). */
function ephemeralLow(): number {
  try {
    const [low] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8")
      .trim()
      .split(/\s+/)
      .map(Number);
    return Number.isInteger(low) ? low : 32_768;
  } catch {
    return 32_768;
  }
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/**
 * A port nothing listens on, for a server that starts later (often a child process) and may be restarted on
 * the same port. It is picked at random below the kernel's ephemeral range, never with listen(0): a port from
 * that range can be taken as the local port of any outgoing connection on the machine while its server is
 * still starting or is down for a restart, and the server's listen then fails with EADDRINUSE (seen in CI,
 * the engine of a fault test). Below the range only another explicit bind can take it.
 */
export async function freePort(): Promise<number> {
  const low = ephemeralLow();
  for (let tries = 0; low > LOWEST + 100 && tries < 50; tries++) {
    const port = randomInt(LOWEST, low);
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port found between ${LOWEST} and ${low}`);
}
