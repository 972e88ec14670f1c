import { ShieldAlert, ShieldCheck, ShieldOff, ShieldQuestion } from "lucide-react";
import type * as React from "react";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Time } from "@/components/ui/time";
import type { StoredVerdict } from "@/server/demo/receipt";

export type ReceivedRow = {
  seq: number;
  receivedAt: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  json: { type?: string; revision?: number; work_item?: { reference?: string } } | null;
  verdict: StoredVerdict;
};

type VerdictStatus = StoredVerdict["status"];

const VERDICTS: Record<
  VerdictStatus,
  { label: string; tally: string; tone: BadgeTone; icon: React.ElementType }
> = {
  valid: { label: "Signature valid", tally: "valid", tone: "green", icon: ShieldCheck },
  invalid: { label: "Signature invalid", tally: "invalid", tone: "red", icon: ShieldAlert },
  "unknown-integration": {
    label: "Not checked: unknown integration",
    tally: "unknown integration",
    tone: "neutral",
    icon: ShieldQuestion,
  },
  "not-checked": { label: "Not checked", tally: "not checked", tone: "neutral", icon: ShieldOff },
};

/** What the verdict was checked against, in words: the integration named, or why nothing was checked. */
function verdictDetail(verdict: StoredVerdict, path: string): string {
  switch (verdict.status) {
    case "valid":
      return `Checked on arrival with ${verdict.integration}'s secret.`;
    case "invalid":
      return `Checked on arrival with ${verdict.integration}'s secret: ${verdict.reason}.`;
    case "unknown-integration":
      return `The receiver holds no integration's secret for ${path}, so it did not check the signature.`;
    case "not-checked":
      return "Received before the demo receiver checked signatures on arrival.";
  }
}

function VerdictBadge({ verdict }: { verdict: StoredVerdict }) {
  const { label, tone, icon: Icon } = VERDICTS[verdict.status];
  return (
    <Badge tone={tone}>
      <Icon aria-hidden="true" className="size-3.5" /> {label}
    </Badge>
  );
}

function countOf(rows: ReceivedRow[], status: VerdictStatus): number {
  return rows.filter((r) => r.verdict.status === status).length;
}

/** The deliveries the demo receiver got, newest first, each with the verdict it reached on arrival. */
export function ReceivedWebhooks({ rows, webhookUrl }: { rows: ReceivedRow[]; webhookUrl: string }) {
  const tally = (["valid", "invalid", "unknown-integration", "not-checked"] as const)
    .map((status) => [status, countOf(rows, status)] as const)
    .filter(([, n]) => n > 0);
  return (
    <Card aria-labelledby="received-title">
      <CardHeader>
        <div className="min-w-0">
          <CardTitle id="received-title">
            {rows.length} {rows.length === 1 ? "webhook" : "webhooks"} received
          </CardTitle>
          <CardDescription className="[overflow-wrap:anywhere]">
            Newest first, everything posted to {new URL(webhookUrl).origin}/hooks/…
          </CardDescription>
        </div>
        <ul aria-label="Signatures" className="flex flex-wrap gap-x-3 gap-y-1 text-sm text-slate-700">
          <li aria-hidden="true" className="text-slate-500">
            Signatures
          </li>
          {tally.map(([status, n]) => (
            <li key={status}>
              <span className="font-semibold tabular-nums">{n}</span> {VERDICTS[status].tally}
            </li>
          ))}
        </ul>
      </CardHeader>
      <CardContent className="p-0">
        <ul className="divide-y divide-slate-100">
          {rows.map((w) => (
            <li key={w.seq} className="px-5 py-3" aria-label={`Delivery #${w.seq}`}>
              <details>
                <summary className="flex cursor-pointer flex-wrap items-center gap-x-3 gap-y-1.5 text-sm">
                  <span className="flex min-w-0 flex-wrap items-center gap-x-3 gap-y-1">
                    <span className="font-mono text-slate-500">#{w.seq}</span>
                    <Badge tone="blue">{w.json?.type ?? "unknown"}</Badge>
                    <span className="font-medium text-slate-900">{w.json?.work_item?.reference ?? "—"}</span>
                    {w.json?.revision !== undefined ? (
                      <span className="text-slate-600">revision {w.json.revision}</span>
                    ) : null}
                  </span>
                  <span className="ml-auto flex flex-wrap items-center justify-end gap-x-3 gap-y-1">
                    <VerdictBadge verdict={w.verdict} />
                    <Time value={w.receivedAt} format="ago" className="text-slate-500" />
                  </span>
                </summary>
                <p className="mt-3 text-sm text-slate-700">{verdictDetail(w.verdict, w.path)}</p>
                <div className="mt-3 grid gap-3 lg:grid-cols-2">
                  <div className="min-w-0">
                    <h3 className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase">
                      Headers
                    </h3>
                    <pre className="overflow-x-auto rounded-lg bg-slate-50 p-3 text-xs text-slate-800">
                      {[
                        `POST ${w.path}`,
                        ...["webhook-id", "webhook-timestamp", "webhook-signature", "user-agent"].map(
                          (h) => `${h}: ${w.headers[h] ?? ""}`,
                        ),
                      ].join("\n")}
                    </pre>
                  </div>
                  <div className="min-w-0">
                    <h3 className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase">
                      Body
                    </h3>
                    <pre className="max-h-80 overflow-auto rounded-lg bg-slate-50 p-3 text-xs text-slate-800">
                      {w.json ? JSON.stringify(w.json, null, 2) : w.body}
                    </pre>
                  </div>
                </div>
              </details>
            </li>
          ))}
        </ul>
      </CardContent>
    </Card>
  );
}
