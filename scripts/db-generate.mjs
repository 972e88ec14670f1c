#!/usr/bin/env node
// `npm run db:generate`: drizzle-kit generate, then every new journal entry gets a `when` after the one
// before it. drizzle's migrator applies only migrations newer than the newest one a database has recorded,
// so a migration journalled with an earlier time than its predecessor (drizzle-kit writes Date.now(); some
// entries here are dated ahead) is silently skipped on every database that is already migrated: 0007 was.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const journalPath = path.resolve(import.meta.dirname, "..", "db", "migrations", "meta", "_journal.json");
const before = JSON.parse(readFileSync(journalPath, "utf8")).entries.length;
const result = spawnSync("npx", ["drizzle-kit", "generate", ...process.argv.slice(2)], { stdio: "inherit" });
if (result.status !== 0) process.exit(result.status ?? 1);

const journal = JSON.parse(readFileSync(journalPath, "utf8"));
for (let i = Math.max(1, before); i < journal.entries.length; i++) {
  const previous = journal.entries[i - 1].when;
  if (journal.entries[i].when <= previous) {
    journal.entries[i].when = previous + 1000;
    console.log(`[db:generate] ${journal.entries[i].tag}: journalled after ${journal.entries[i - 1].tag}`);
  }
}
writeFileSync(journalPath, JSON.stringify(journal, null, 2));
