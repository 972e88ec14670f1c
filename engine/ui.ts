import type { AppRecord, Run } from "./types";

function esc(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value ?? null);
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function time(ms: number | undefined): string {
  return ms ? new Date(ms).toISOString().replace("T", " ").slice(0, 19) : "—";
}

function preview(value: unknown): string {
  if (value === undefined) return "";
  const text = JSON.stringify(value);
  return esc(text.length > 160 ? `${text.slice(0, 157)}…` : text);
}

const CSS = `
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1f2328;background:#fafafa}
h1{font-size:1.3rem;margin:0 0 .25rem}h2{font-size:1rem;margin:1.5rem 0 .5rem}
p.sub{color:#57606a;margin:0 0 1rem}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #d0d7de}
th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #eaeef2;vertical-align:top}
th{background:#f6f8fa;font-weight:600}
code{font:12px ui-monospace,monospace}
.s{display:inline-block;padding:0 .45rem;border-radius:1rem;font-size:12px;font-weight:600}
.Completed{background:#dafbe1;color:#116329}.Failed{background:#ffebe9;color:#a40e26}
.Running,.Queued{background:#ddf4ff;color:#0969da}.Cancelled{background:#eaeef2;color:#57606a}
ul.steps{margin:.25rem 0 0;padding-left:1.1rem;color:#57606a}
`;

export function renderHome(apps: AppRecord[], runs: Run[]): string {
  const appRows = apps
    .map(
      (a) =>
        `<tr><td>${esc(a.id)}</td><td><code>${esc(a.url)}</code></td><td>${a.functions
          .map((f) => esc(f.id))
          .join("<br>")}</td><td>${time(a.syncedAt)}</td></tr>`,
    )
    .join("");
  const runRows = runs
    .map((r) => {
      const steps = r.steps
        .map(
          (s) =>
            `<li>${esc(s.name)} — <span class="s ${s.status === "Completed" ? "Completed" : s.status === "Failed" ? "Failed" : "Running"}">${esc(s.status)}</span> · ${s.attempts.length} attempt(s)</li>`,
        )
        .join("");
      const result = r.status === "Failed" ? preview(r.error) : preview(r.output);
      return `<tr><td><code>${esc(r.id)}</code></td><td>${esc(r.functionId)}</td><td>${esc(r.event.name)}</td>
<td><span class="s ${r.status}">${r.status}</span></td><td>${time(r.createdAt)}</td><td>${time(r.endedAt)}</td>
<td>${steps ? `<ul class="steps">${steps}</ul>` : ""}<code>${result}</code></td></tr>`;
    })
    .join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Local Inngest engine</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${CSS}</style></head><body>
<h1>Local Inngest engine</h1><p class="sub">${apps.length} app(s) · showing the ${runs.length} most recent runs · JSON: <code>/v1/runs/:id</code></p>
<h2>Apps</h2><table><tr><th>App</th><th>URL</th><th>Functions</th><th>Synced</th></tr>${appRows || '<tr><td colspan="4">No apps synced yet.</td></tr>'}</table>
<h2>Recent runs</h2><table><tr><th>Run</th><th>Function</th><th>Event</th><th>Status</th><th>Started</th><th>Ended</th><th>Steps / result</th></tr>
${runRows || '<tr><td colspan="7">No runs yet.</td></tr>'}</table></body></html>`;
}
