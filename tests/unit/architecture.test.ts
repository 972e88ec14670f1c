import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const DEPCRUISE = path.join(ROOT, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs");
const probes: string[] = [];

/** A file that breaks the rule, written into the tree for one cruise and removed afterwards. */
function probe(folder: string, source: string): string {
  const file = `${folder}/__architecture_probe_${process.pid}_${probes.length}.ts`;
  writeFileSync(path.join(ROOT, file), source);
  probes.push(file);
  return file;
}

function cruise(config: string, files: string[]) {
  const result = spawnSync(process.execPath, [DEPCRUISE, "--config", config, ...files], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

afterAll(() => {
  for (const file of probes) rmSync(path.join(ROOT, file), { force: true });
});

// Each case spawns dependency-cruiser over the tree: seconds on a loaded 2-core machine, not a unit-test 5 s.
describe("the dependency rule (npm run lint)", { timeout: 60_000 }, () => {
  it("holds on the tree as it is", () => {
    const direct = cruise(".dependency-cruiser.cjs", [
      "app",
      "components",
      "server",
      "db",
      "inngest",
      "lib",
      "engine",
    ]);
    expect(direct.output).toContain("no dependency violations found");
    expect(direct.status).toBe(0);
    const values = cruise(".dependency-cruiser.values.cjs", [
      "app",
      "components",
      "server",
      "db",
      "inngest",
      "lib",
    ]);
    expect(values.status).toBe(0);
  });

  it("fails on a component that imports app/, a db module that imports server/, lib that imports db/", () => {
    const files = [
      probe(
        "components",
        'import { resendSyncAction } from "@/app/(app)/syncs/actions";\nexport const a = resendSyncAction;\n',
      ),
      probe(
        "db",
        'import { fanOutMany } from "@/server/deliveries/fan-out";\nexport const b = fanOutMany;\n',
      ),
      probe("lib", 'import { getDb } from "@/db/client";\nexport const c = getDb;\n'),
      probe("server", 'import { functions } from "@/inngest/functions";\nexport const d = functions;\n'),
    ];
    const { status, output } = cruise(".dependency-cruiser.cjs", files);
    expect(status).not.toBe(0);
    expect(output).toMatch(/error no-import-app: components\/__architecture_probe/);
    expect(output).toMatch(/error db-is-the-floor: db\/__architecture_probe/);
    expect(output).toMatch(/error lib-is-framework-free: lib\/__architecture_probe/);
    expect(output).toMatch(/error server-below-routes: server\/__architecture_probe/);
  });

  it("fails on a component whose imports reach the database, but not on a type-only import", () => {
    const reaching = probe(
      "components",
      'import { getCurrentUser } from "@/server/auth/guard";\nexport const e = getCurrentUser;\n',
    );
    const typeOnly = probe(
      "components",
      'import type { SessionUser } from "@/server/auth/guard";\nexport type F = SessionUser;\n',
    );
    const reached = cruise(".dependency-cruiser.values.cjs", [reaching]);
    expect(reached.status).not.toBe(0);
    expect(reached.output).toMatch(
      /error components-reach-no-io: components\/__architecture_probe_\d+_\d+\.ts → db\/client\.ts/,
    );
    const types = cruise(".dependency-cruiser.values.cjs", [typeOnly]);
    expect(types.output).toContain("no dependency violations found");
  });
});
