#!/usr/bin/env node
// `npm test`: lint, a production build, type check, that build's standalone server (as the Docker image
// runs it), unit + integration (PGlite AND a real PostgreSQL it starts itself) + engine suites, the
// fault-injection suite, then the Playwright suite in Chromium. Ends with the line `N passed, N failed`
// summing every real test result.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { vitestCounts } from "./test-report.mjs";

const only = process.argv.slice(2);
const want = (stage) => only.length === 0 || only.includes(stage);
let passed = 0;
let failed = 0;
const problems = [];

function run(name, cmd, args, env = {}) {
  console.log(`\n━━ ${name}: ${[cmd, ...args].join(" ")}`);
  const started = Date.now();
  const result = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, ...env } });
  console.log(`━━ ${name}: exit ${result.status} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (result.status !== 0) problems.push(name);
  return result.status === 0;
}

const node = process.execPath;
mkdirSync("test-results", { recursive: true });

// Lint: Biome (style, correctness), dependency-cruiser (the dependency rule, docs/ARCHITECTURE.md) and
// knip (nothing dead). The same as `npm run lint`.
if (want("lint")) run("lint", "npm", ["run", "--silent", "lint"]);

if (want("build") || want("e2e") || want("typecheck") || want("standalone")) {
  rmSync(".next", { recursive: true, force: true });
  run("build", node, ["node_modules/next/dist/bin/next", "build"]);
}

if (want("typecheck")) run("typecheck", node, ["node_modules/typescript/bin/tsc", "--noEmit"]);

/** One vitest run with a JSON report; its counts go into the summary line. */
function vitest(name, projects) {
  const out = `test-results/${name}.json`;
  rmSync(out, { force: true });
  run(name, node, [
    "node_modules/vitest/vitest.mjs",
    "run",
    ...projects.map((p) => `--project=${p}`),
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${out}`,
  ]);
  if (existsSync(out)) {
    const report = JSON.parse(readFileSync(out, "utf8"));
    const counts = vitestCounts(report);
    passed += counts.passed;
    failed += counts.failed;
    if (report.numTotalTests === 0) problems.push(`${name} ran no test`);
  } else {
    problems.push(`${name} wrote no report`);
  }
}

// The build above as the Docker image runs it: `node server.js` from .next/standalone (static files and
// migrations beside it) with NODE_ENV=production, a real PostgreSQL and cloud-mode Inngest against the
// local engine in signed mode; health, readiness, a signed sync and a signed webhook (tests/standalone).
if (want("standalone")) vitest("standalone", ["standalone"]);

if (want("vitest")) vitest("vitest", ["unit", "integration", "engine"]);

// The fault suite kills and restarts the engine, the app and PostgreSQL for a few minutes: on its own,
// so it does not share the two cores with the integration suite.
if (want("faults")) vitest("faults", ["faults"]);

/** Playwright cannot download its browser here; Debian's Chromium is installed when missing (as root). */
function ensureChromium() {
  const found = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].some((p) => existsSync(p));
  if (found || process.env.CHROMIUM_PATH) return true;
  if (process.getuid?.() !== 0) {
    console.error(
      "Chromium not found: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH",
    );
    return false;
  }
  console.log("Installing Debian's Chromium for the browser tests…");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  const install = spawnSync("apt-get", ["install", "-y", "-qq", "chromium", "fonts-liberation"], {
    stdio: "inherit",
    env,
  });
  return install.status === 0;
}

if (want("e2e") && !ensureChromium()) problems.push("chromium missing");
else if (want("e2e")) {
  const out = "test-results/e2e.json";
  rmSync(out, { force: true });
  run("e2e", node, ["node_modules/@playwright/test/cli.js", "test"], { CI: "1" });
  if (existsSync(out)) {
    const { stats } = JSON.parse(readFileSync(out, "utf8"));
    passed += stats.expected + stats.flaky;
    failed += stats.unexpected;
  } else {
    problems.push("playwright wrote no report");
  }
}

if (problems.length > 0) console.log(`\nFailed stages: ${problems.join(", ")}`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(problems.length > 0 || failed > 0 ? 1 : 0);
