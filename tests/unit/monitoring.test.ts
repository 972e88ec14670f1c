import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderMetrics } from "@/server/metrics/registry";
import { failingDb } from "../support/broken-db";

const ROOT = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");

/**
 * Every series the app's registry exposes (its own metrics, a histogram's suffixes, prom-client's defaults),
 * read from its `# TYPE` lines; no database is needed for those (the gauges' read fails and is reported).
 */
async function exposedSeries(): Promise<Set<string>> {
  const noDatabase = failingDb(new Error("no database in a unit test"));
  const { body } = await renderMetrics(() => noDatabase);
  const names = new Set<string>(["up"]);
  for (const [, name, kind] of body.matchAll(/^# TYPE (\w+) (\w+)$/gm)) {
    names.add(name);
    if (kind === "histogram") for (const s of ["_bucket", "_count", "_sum"]) names.add(name + s);
  }
  return names;
}

/** Metric names a PromQL expression reads (identifiers followed by a selector, a range or a space). */
function seriesIn(expr: string): string[] {
  return [...expr.matchAll(/\b(fixed_service_\w+|up)\b(?=\s*[{[)\s]|$)/g)].map((m) => m[1]);
}

type Rule = { alert: string; expr: string; for?: string; labels: Record<string, string> };

const exposed = await exposedSeries();

describe("docs/monitoring", () => {
  const rules: Rule[] = parse(read("docs/monitoring/alerts.yml")).groups.flatMap(
    (g: { rules: Rule[] }) => g.rules,
  );
  const dashboard = JSON.parse(read("docs/monitoring/grafana-dashboard.json")) as {
    panels: { title: string; targets: { expr: string }[] }[];
  };

  it("alert rules read only series the app exposes", () => {
    expect(rules.length).toBeGreaterThanOrEqual(4);
    for (const rule of rules) {
      const used = seriesIn(rule.expr);
      expect(used.length, rule.alert).toBeGreaterThan(0);
      for (const name of used) expect(exposed, `${rule.alert} reads ${name}`).toContain(name);
      expect(rule.labels.severity, rule.alert).toMatch(/^(warning|critical)$/);
    }
  });

  it("alerts when the oldest pending delivery is older than 15 minutes and when an integration is paused", () => {
    const delayed = rules.find((r) => r.expr.includes("fixed_service_oldest_pending_age_seconds"));
    expect(delayed?.expr).toMatch(/> 900\b/);
    const paused = rules.find((r) =>
      /^\s*max by \(integration\) \(fixed_service_integration_paused\) == 1\s*$/.test(r.expr),
    );
    expect(paused?.alert).toBe("FixedServiceIntegrationPaused");
  });

  it("the Grafana dashboard's panels read only series the app exposes", () => {
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(8);
    for (const panel of dashboard.panels) {
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets) {
        const used = seriesIn(target.expr);
        expect(used.length, panel.title).toBeGreaterThan(0);
        for (const name of used) expect(exposed, `${panel.title} reads ${name}`).toContain(name);
      }
    }
  });
});
