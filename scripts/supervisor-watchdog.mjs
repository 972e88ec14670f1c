// Started by supervisor.mjs in a process group of its own, its stdin a pipe from the supervisor:
// "+<pgid>" and "-<pgid>" lines tell it which process groups are running. When the pipe closes (the
// supervisor has exited, however it died: SIGKILL too) it stops every group still listed: SIGTERM,
// then SIGKILL after the grace period given as its argument.
import { groupAlive, stopGroup } from "./supervisor.mjs";

const graceMs = Number(process.argv[2] ?? 5_000);
const groups = new Set();
let buffer = "";

process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  buffer += chunk;
  const lines = buffer.split("\n");
  buffer = lines.pop();
  for (const line of lines) {
    const pgid = Number(line.slice(1));
    if (!Number.isInteger(pgid) || pgid <= 0) continue;
    if (line.startsWith("+")) groups.add(pgid);
    else groups.delete(pgid);
  }
});
process.stdin.on("close", async () => {
  await Promise.all([...groups].filter(groupAlive).map((pgid) => stopGroup(pgid, graceMs)));
  process.exit(0);
});
// A terminal's Ctrl+C or hang-up is for the supervisor, which then closes the pipe.
for (const signal of ["SIGINT", "SIGHUP"]) process.on(signal, () => {});
