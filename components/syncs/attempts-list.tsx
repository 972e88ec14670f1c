import { Badge } from "@/components/ui/badge";
import { Time } from "@/components/ui/time";
import type { SyncAttemptDetail } from "@/server/syncs/timeline";
import { formatMs, restatesStatus } from "./format";
import { errorKindLabel } from "./labels";

function HeaderTable({ headers, label }: { headers: Record<string, string> | null; label: string }) {
  const entries = Object.entries(headers ?? {});
  if (!entries.length) return <p className="text-xs text-slate-500">No {label.toLowerCase()}.</p>;
  return (
    <dl className="grid grid-cols-[minmax(0,11rem)_minmax(0,1fr)] gap-x-3 gap-y-0.5 font-mono text-xs">
      {entries.map(([name, value]) => (
        <div key={name} className="contents">
          <dt className="truncate text-slate-500" title={name}>
            {name}
          </dt>
          <dd className="break-all text-slate-800">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Every HTTP try of one delivery, oldest first. Request headers are stored with secrets redacted. */
export function AttemptsList({ attempts }: { attempts: SyncAttemptDetail[] }) {
  if (!attempts.length) {
    return <p className="text-sm text-slate-600">No attempts yet — the first one is on its way.</p>;
  }
  return (
    <ol className="space-y-3" aria-label="Attempts">
      {attempts.map((a) => {
        const ok =
          a.responseStatus !== null && a.responseStatus >= 200 && a.responseStatus < 300 && !a.errorKind;
        return (
          <li key={a.id} className="rounded-lg border border-slate-200 bg-white">
            <div className="flex flex-wrap items-center gap-x-3 gap-y-1 border-b border-slate-100 px-3 py-2 text-sm">
              <span className="font-medium text-slate-900">Attempt {a.number}</span>
              <Badge tone={a.trigger === "manual" ? "violet" : "neutral"}>
                {a.trigger === "manual" ? "Manual resend" : "Automatic"}
              </Badge>
              <Badge tone={ok ? "green" : "red"}>
                {restatesStatus(a.responseStatus, a.errorMessage)
                  ? a.errorMessage
                  : a.responseStatus !== null
                    ? `HTTP ${a.responseStatus}`
                    : (errorKindLabel(a.errorKind) ?? "No response")}
              </Badge>
              <span className="text-slate-600 tabular-nums">{formatMs(a.durationMs)}</span>
              <Time value={a.startedAt} className="ml-auto text-xs text-slate-500 tabular-nums" />
            </div>
            <div className="space-y-3 px-3 py-3">
              {(a.errorKind || a.errorMessage) && !restatesStatus(a.responseStatus, a.errorMessage) ? (
                <p className="text-sm text-red-800">
                  <span className="font-medium">{errorKindLabel(a.errorKind) ?? "Error"}:</span>{" "}
                  {a.errorMessage}
                </p>
              ) : null}
              <p className="break-all font-mono text-xs text-slate-600">POST {a.requestUrl}</p>
              <div className="grid gap-3 lg:grid-cols-2">
                <section aria-label={`Request headers of attempt ${a.number}`} className="min-w-0 space-y-1">
                  <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">
                    Request headers
                  </h4>
                  <HeaderTable headers={a.requestHeaders} label="Request headers" />
                </section>
                <section aria-label={`Response headers of attempt ${a.number}`} className="min-w-0 space-y-1">
                  <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">
                    Response headers
                  </h4>
                  <HeaderTable headers={a.responseHeaders} label="Response headers" />
                </section>
              </div>
              <section aria-label={`Response body of attempt ${a.number}`} className="space-y-1">
                <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">
                  Response body
                </h4>
                {a.responseBody ? (
                  <pre className="max-h-60 overflow-auto rounded-md bg-slate-950 p-3 text-xs leading-relaxed whitespace-pre-wrap break-all text-slate-100">
                    {a.responseBody}
                  </pre>
                ) : (
                  <p className="text-xs text-slate-500">Empty.</p>
                )}
              </section>
            </div>
          </li>
        );
      })}
    </ol>
  );
}

export function PayloadView({ payload, label = "Payload" }: { payload: unknown; label?: string }) {
  return (
    <section aria-label={label}>
      <pre className="max-h-96 overflow-auto rounded-lg bg-slate-950 p-3 text-xs leading-relaxed whitespace-pre-wrap break-all text-slate-100">
        {JSON.stringify(payload, null, 2)}
      </pre>
    </section>
  );
}
