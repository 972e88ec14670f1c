import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const FILE = /^[\w.()[\]*-]+(\/[\w.()[\]*-]+)*\.(ts|tsx|mts|mjs|json|sql|md)$/;

function allFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (["node_modules", ".git", ".next", ".data", "test-results"].includes(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) allFiles(full, out);
    else out.push(path.relative(ROOT, full));
  }
  return out;
}

/** File names a document mentions in `code`, and in its layout block (lines of the ``` tree). */
function mentionedFiles(markdown: string): string[] {
  const names = new Set<string>();
  for (const [, code] of markdown.matchAll(/`([^`\n]+)`/g)) {
    for (const part of code.split(/[\s,→]+/)) if (FILE.test(part)) names.add(part);
  }
  for (const [, block] of markdown.matchAll(/```\n([\s\S]*?)```/g)) {
    for (const part of block.split(/[\s,()]+/)) if (FILE.test(part)) names.add(part);
  }
  return [...names];
}

describe("docs/ARCHITECTURE.md", () => {
  const markdown = readFileSync(path.join(ROOT, "docs/ARCHITECTURE.md"), "utf8");
  const files = allFiles(ROOT);
  const basenames = new Set(files.map((f) => path.basename(f)));

  it("names only files that exist", () => {
    const mentioned = mentionedFiles(markdown);
    expect(mentioned.length).toBeGreaterThan(20);
    const missing = mentioned.filter((name) =>
      name.includes("/")
        ? !existsSync(path.join(ROOT, name.replace(/^\.\//, ""))) && !name.includes("*")
        : !basenames.has(name),
    );
    expect(missing).toEqual([]);
  });

  it("lists every file of the delivery path", () => {
    const deliveries = files.filter((f) => f.startsWith("server/deliveries/")).map((f) => path.basename(f));
    const unlisted = deliveries.filter((name) => !markdown.includes(`\`${name}\``));
    expect(unlisted).toEqual([]);
  });
});
