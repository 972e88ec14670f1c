"use client";

import { Pause, Play, RefreshCw, Send } from "lucide-react";
import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { toast } from "sonner";
import { errorKindLabel } from "@/components/syncs/labels";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Time } from "@/components/ui/time";
import type { ActionResult } from "@/server/auth/guard";
import { formatMs, restatesStatus } from "../syncs/format";
import { SecretReveal } from "./secret-reveal";

type IdInput = { id: number };
type TestResult = {
  ok: boolean;
  status: number | null;
  responseBody: string;
  responseBodyTruncated: boolean;
  durationMs: number;
  errorKind: string | null;
  errorMessage: string | null;
  hint: string | null;
};

/** Rotate: the new secret is shown once; the old one keeps signing until the grace period ends. */
export function RotateSecret({
  integrationId,
  action,
}: {
  integrationId: number;
  action: (input: IdInput) => Promise<ActionResult<{ secret: string; previousValidUntil: string }>>;
}) {
  const [pending, start] = useTransition();
  const [result, setResult] = useState<{ secret: string; previousValidUntil: string } | null>(null);
  const [confirming, setConfirming] = useState(false);
  return (
    <div className="space-y-3">
      {result ? (
        <SecretReveal
          secret={result.secret}
          note={
            <>
              The previous secret still signs (as a second signature) until{" "}
              <Time value={result.previousValidUntil} />.
            </>
          }
        />
      ) : null}
      {confirming ? (
        <div className="flex flex-wrap items-center gap-2 rounded-lg border border-slate-200 bg-slate-50 p-3 text-sm">
          <span className="text-slate-700">
            Generate a new secret? Update the receiver before the grace period ends.
          </span>
          <Button
            size="sm"
            variant="destructive"
            disabled={pending}
            onClick={() =>
              start(async () => {
                const r = await action({ id: integrationId });
                setConfirming(false);
                if (r.ok) {
                  setResult(r.data);
                  toast.success("Secret rotated — copy the new one now");
                } else toast.error(r.message);
              })
            }
          >
            {pending ? "Rotating…" : "Rotate now"}
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setConfirming(false)}>
            Cancel
          </Button>
        </div>
      ) : (
        <Button variant="secondary" onClick={() => setConfirming(true)}>
          <RefreshCw aria-hidden />
          Rotate secret
        </Button>
      )}
    </div>
  );
}

export function PauseResume({
  integrationId,
  active,
  pauseAction,
  resumeAction,
}: {
  integrationId: number;
  active: boolean;
  pauseAction: (input: IdInput & { reason?: string }) => Promise<ActionResult<{ id: number }>>;
  resumeAction: (input: IdInput) => Promise<ActionResult<{ requested: number }>>;
}) {
  const [pending, start] = useTransition();
  const [reason, setReason] = useState("");
  const router = useRouter();
  const id = useId();
  const run = (fn: () => Promise<ActionResult<unknown>>) =>
    start(async () => {
      const r = await fn();
      if (r.ok) {
        toast.success(r.message ?? "Done");
        router.refresh();
      } else toast.error(r.message);
    });
  if (!active) {
    return (
      <Button
        variant="accent"
        disabled={pending}
        onClick={() => run(() => resumeAction({ id: integrationId }))}
      >
        <Play aria-hidden />
        {pending ? "Resuming…" : "Resume deliveries"}
      </Button>
    );
  }
  return (
    <div className="flex flex-col gap-2 sm:flex-row sm:items-end">
      <div className="min-w-0 flex-1 space-y-1.5">
        <Label htmlFor={id}>
          Reason <span className="font-normal text-slate-500">(optional)</span>
        </Label>
        <Input
          id={id}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          maxLength={200}
          placeholder="e.g. n8n maintenance until 18:00"
        />
      </div>
      <Button
        variant="secondary"
        disabled={pending}
        onClick={() => run(() => pauseAction({ id: integrationId, reason: reason || undefined }))}
      >
        <Pause aria-hidden />
        {pending ? "Pausing…" : "Pause deliveries"}
      </Button>
    </div>
  );
}

/** Posts a signed sample event right now and shows the receiver's answer, with a hint for n8n set-ups. */
export function SendTestEvent({
  integrationId,
  action,
}: {
  integrationId: number;
  action: (input: IdInput) => Promise<ActionResult<TestResult>>;
}) {
  const [pending, start] = useTransition();
  const [result, setResult] = useState<ActionResult<TestResult> | null>(null);
  return (
    <div className="space-y-3">
      <Button
        variant="primary"
        disabled={pending}
        onClick={() => start(async () => setResult(await action({ id: integrationId })))}
      >
        <Send aria-hidden />
        {pending ? "Sending…" : "Send test event"}
      </Button>
      <div aria-live="polite">
        {result && !result.ok ? <Alert variant="error">{result.message}</Alert> : null}
        {result?.ok ? <TestResultPanel result={result.data} /> : null}
      </div>
    </div>
  );
}

function TestResultPanel({ result }: { result: TestResult }) {
  return (
    <section
      aria-label="Receiver’s answer"
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4"
    >
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <Badge tone={result.ok ? "green" : "red"}>{result.ok ? "Delivered" : "Failed"}</Badge>
        <span className="font-medium text-slate-900">
          {restatesStatus(result.status, result.errorMessage)
            ? result.errorMessage
            : result.status !== null
              ? `HTTP ${result.status}`
              : (errorKindLabel(result.errorKind) ?? "No response")}
        </span>
        <span className="text-slate-600 tabular-nums">in {formatMs(result.durationMs)}</span>
      </div>
      {result.errorMessage && !restatesStatus(result.status, result.errorMessage) ? (
        <p className="text-sm text-red-800">
          <span className="font-medium">Error:</span> {result.errorMessage}
        </p>
      ) : null}
      <div className="space-y-1">
        <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Response body</h4>
        {result.responseBody ? (
          <pre className="max-h-48 overflow-auto rounded-md bg-slate-950 p-3 text-xs whitespace-pre-wrap break-all text-slate-100">
            {result.responseBody}
            {result.responseBodyTruncated ? "\n…" : ""}
          </pre>
        ) : (
          <p className="text-xs text-slate-500">Empty.</p>
        )}
      </div>
      {result.hint ? (
        <Alert variant="warning" title="Hint">
          {result.hint}
        </Alert>
      ) : null}
    </section>
  );
}
