#!/usr/bin/env node
/**
 * postinstall: the Inngest SDK (inngest-js 4.x) builds its request headers from the environment on
 * every read of `client.headers`, and each build walks all of `process.env` (`Object.entries`, then an
 * `includes` over its ~40 keys for every variable): dozens of times per run, 3.5 ms of CPU per
 * fan-out run on the benchmark machine (the largest single cost of a run in `npm run bench -- --profile`).
 * The patch reads the SDK's own keys instead: the same keys, the same values, read fresh every time
 * (nothing cached). Idempotent; says so loudly when the code it patches has changed.
 */
import fs from "node:fs";
import path from "node:path";

const MARK = "/* fixed-service: read only the SDK's own keys, not all of process.env */";
const ORIGINAL =
  /\tfor \(const \[k, v\] of Object\.entries\(allProcessEnv\(\)\)\) \{\n\t\tif \(!whitelist\.includes\(k\)\) continue;\n\t\tenv\[k\] = v;\n\t\}/;
const PATCHED = `\t${MARK}
\tconst all = allProcessEnv();
\tfor (const k of whitelist) {
\t\tconst v = all[k];
\t\tif (v !== undefined) env[k] = v;
\t}`;

const root = path.resolve(import.meta.dirname, "..", "node_modules", "inngest", "helpers");
let problems = 0;
for (const name of ["env.js", "env.cjs"]) {
  const file = path.join(root, name);
  if (!fs.existsSync(file)) continue;
  const text = fs.readFileSync(file, "utf8");
  if (text.includes(MARK)) continue;
  if (!ORIGINAL.test(text)) {
    problems++;
    console.warn(
      `[patch-inngest] ${file}: getProcessEnv changed upstream; check whether the patch is still needed`,
    );
    continue;
  }
  fs.writeFileSync(file, text.replace(ORIGINAL, PATCHED));
}
if (problems === 0) console.log("[patch-inngest] inngest-js getProcessEnv reads only its own keys");
