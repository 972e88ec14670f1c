#!/usr/bin/env node
/**
 * postinstall: two small patches to installed dependencies, each idempotent and loud when the code it
 * patches has changed upstream (then check whether it is still needed). Installs with `--ignore-scripts`
 * get neither: everything still works, with the risk and the cost each one removes.
 *
 * postgres.js — guards `nextWrite` against a closed socket. postgres.js 3.4.x buffers small writes with
 * `setImmediate(nextWrite)`; when the server goes away between the write and that callback (a PostgreSQL
 * restart, a proxy dropping the connection), the callback calls `socket.write` on null and throws from a
 * timer, where no `await` can catch it: the whole process dies (porsager/postgres#1066, #1154, #1208; fix
 * proposed in #1209, not released). The guard settles the pending queries with CONNECTION_CLOSED instead,
 * so a save fails with a clear error and the server stays up (tests/faults/postgres-restart.test.ts).
 *
 * inngest — the SDK (inngest-js 4.x) builds its request headers from the environment on every read of
 * `client.headers`, and each build walks all of `process.env` (`Object.entries`, then an `includes` over
 * its ~40 keys for every variable): dozens of times per run, 3.5 ms of CPU per fan-out run in
 * `npm run bench -- --profile`. The patch reads the SDK's own keys instead: the same keys, the same
 * values, read fresh every time (nothing cached).
 */
import fs from "node:fs";
import path from "node:path";

const modules = path.resolve(import.meta.dirname, "..", "node_modules");

const PATCHES = [
  {
    name: "postgres",
    what: "postgres.js nextWrite guarded",
    files: ["src", "cjs/src", "cf/src"].map((dir) => path.join(modules, "postgres", dir, "connection.js")),
    mark: "/* fixed-service: guard against a closed socket (porsager/postgres#1208) */",
    original: `  function nextWrite(fn) {
    const x = socket.write(chunk, fn)`,
    patched: (mark) => `  function nextWrite(fn) {
    ${mark}
    if (!socket) {
      nextWriteTimer !== null && clearImmediate(nextWriteTimer)
      chunk = nextWriteTimer = null
      error(Errors.connection('CONNECTION_CLOSED', options, socket))
      return false
    }
    const x = socket.write(chunk, fn)`,
  },
  {
    name: "inngest",
    what: "inngest-js getProcessEnv reads only its own keys",
    files: ["env.js", "env.cjs"].map((file) => path.join(modules, "inngest", "helpers", file)),
    mark: "/* fixed-service: read only the SDK's own keys, not all of process.env */",
    original:
      /\tfor \(const \[k, v\] of Object\.entries\(allProcessEnv\(\)\)\) \{\n\t\tif \(!whitelist\.includes\(k\)\) continue;\n\t\tenv\[k\] = v;\n\t\}/,
    patched: (mark) => `\t${mark}
\tconst all = allProcessEnv();
\tfor (const k of whitelist) {
\t\tconst v = all[k];
\t\tif (v !== undefined) env[k] = v;
\t}`,
  },
];

for (const patch of PATCHES) {
  let problems = 0;
  for (const file of patch.files) {
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, "utf8");
    if (text.includes(patch.mark)) continue;
    const found =
      typeof patch.original === "string" ? text.includes(patch.original) : patch.original.test(text);
    if (!found) {
      problems++;
      console.warn(
        `[patch-${patch.name}] ${file}: the patched code changed upstream; check whether the patch is still needed`,
      );
      continue;
    }
    fs.writeFileSync(file, text.replace(patch.original, patch.patched(patch.mark)));
  }
  if (problems === 0) console.log(`[patch-${patch.name}] ${patch.what}`);
}
