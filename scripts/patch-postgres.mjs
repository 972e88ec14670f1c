#!/usr/bin/env node
/**
 * postinstall: guards postgres.js's `nextWrite` against a closed socket.
 *
 * postgres.js 3.4.x buffers small writes with `setImmediate(nextWrite)`; when the server goes away
 * between the write and that callback (a PostgreSQL restart, a proxy dropping the connection), the
 * callback calls `socket.write` on null and throws from a timer, where no `await` can catch it: the
 * whole process dies (porsager/postgres#1066, #1154, #1208; fix proposed in #1209, not released).
 * The guard settles the pending queries with CONNECTION_CLOSED instead, so a save fails with a clear
 * error and the server stays up (tests/faults/postgres-restart.test.ts restarts a real PostgreSQL
 * under load). Idempotent; says so loudly when the code it patches has changed.
 */
import fs from "node:fs";
import path from "node:path";

const MARK = "/* fixed-service: guard against a closed socket (porsager/postgres#1208) */";
const ORIGINAL = `  function nextWrite(fn) {
    const x = socket.write(chunk, fn)`;
const PATCHED = `  function nextWrite(fn) {
    ${MARK}
    if (!socket) {
      nextWriteTimer !== null && clearImmediate(nextWriteTimer)
      chunk = nextWriteTimer = null
      error(Errors.connection('CONNECTION_CLOSED', options, socket))
      return false
    }
    const x = socket.write(chunk, fn)`;

const root = path.resolve(import.meta.dirname, "..", "node_modules", "postgres");
let problems = 0;
for (const dir of ["src", "cjs/src", "cf/src"]) {
  const file = path.join(root, dir, "connection.js");
  if (!fs.existsSync(file)) continue;
  const text = fs.readFileSync(file, "utf8");
  if (text.includes(MARK)) continue;
  if (!text.includes(ORIGINAL)) {
    problems++;
    console.warn(
      `[patch-postgres] ${file}: nextWrite changed upstream; check whether the guard is still needed`,
    );
    continue;
  }
  fs.writeFileSync(file, text.replace(ORIGINAL, PATCHED));
}
if (problems === 0) console.log("[patch-postgres] postgres.js nextWrite guarded");
