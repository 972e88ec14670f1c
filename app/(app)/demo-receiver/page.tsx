import { Inbox, Mail } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/app-shell/page-header";
import { AutoRefresh } from "@/components/demo-receiver/auto-refresh";
import { type ReceivedRow, ReceivedWebhooks } from "@/components/demo-receiver/received-webhooks";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Time } from "@/components/ui/time";
import { getDb } from "@/db/client";
import { requireUser } from "@/server/auth/guard";
import {
  type CaughtMail,
  demoReceiverEnabled,
  fetchCaughtMails,
  fetchReceived,
  type ReceivedWebhook,
} from "@/server/demo/demo-receiver";
import { DEMO_INTEGRATION_NAME, storedVerdict } from "@/server/demo/receipt";
import { getIntegrationByName } from "@/server/integrations/integrations";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Demo receiver" };

function toRow(received: ReceivedWebhook): ReceivedRow {
  let json: ReceivedRow["json"] = null;
  try {
    const parsed: unknown = JSON.parse(received.body);
    if (parsed && typeof parsed === "object") json = parsed as ReceivedRow["json"];
  } catch {}
  return { ...received, json, verdict: storedVerdict(received) };
}

/** Where to point another integration: the demo receiver's origin, as the app reaches it. */
function hookUrlPattern(webhookUrl: string): string {
  return `${new URL(webhookUrl).origin}/hooks/<name>`;
}

/** What the receiver checks and where another integration's deliveries go. */
function Wiring({ webhookUrl }: { webhookUrl: string }) {
  return (
    <Card className="mt-6" aria-labelledby="wiring-title">
      <CardHeader>
        <div className="min-w-0">
          <CardTitle id="wiring-title">How it checks</CardTitle>
          <CardDescription>
            The receiver verifies each signature when the delivery arrives (Standard Webhooks, 5-minute
            timestamp tolerance) and keeps the verdict with it, so a delivery stays valid however old it gets.
          </CardDescription>
        </div>
      </CardHeader>
      <CardContent>
        <dl className="grid gap-4 text-sm sm:grid-cols-2">
          <div className="min-w-0">
            <dt className="font-medium text-slate-900">{DEMO_INTEGRATION_NAME} posts to</dt>
            <dd className="mt-1 font-mono text-xs break-all text-slate-700">{webhookUrl}</dd>
            <dd className="mt-1 text-slate-600">checked with {DEMO_INTEGRATION_NAME}&apos;s secret</dd>
          </div>
          <div className="min-w-0">
            <dt className="font-medium text-slate-900">Try your own integration</dt>
            <dd className="mt-1 font-mono text-xs break-all text-slate-700" data-testid="hook-url-pattern">
              {hookUrlPattern(webhookUrl)}
            </dd>
            <dd className="mt-1 text-slate-600">
              its deliveries are listed here as not checked: the receiver holds only {DEMO_INTEGRATION_NAME}
              &apos;s secret
            </dd>
          </div>
        </dl>
      </CardContent>
    </Card>
  );
}

/** The notice e-mails npm run dev's catcher got (only when SMTP_URL points at it). */
function CaughtMails({ mails }: { mails: CaughtMail[] }) {
  return (
    <Card className="mt-6">
      <CardHeader>
        <div>
          <CardTitle>
            {mails.length} {mails.length === 1 ? "e-mail" : "e-mails"} caught
          </CardTitle>
          <CardDescription>
            Notices to managers and admins, caught by the demo receiver's SMTP catcher (DEMO_SMTP_PORT).
            Newest first.
          </CardDescription>
        </div>
      </CardHeader>
      <CardContent className="p-0">
        {mails.length === 0 ? (
          <EmptyState
            icon={<Mail />}
            title="No e-mail yet"
            description="An integration paused automatically sends one to every active manager and admin."
          />
        ) : (
          <ul className="divide-y divide-slate-100">
            {mails.map((m) => (
              <li key={m.seq} className="px-5 py-3">
                <details>
                  <summary className="flex cursor-pointer flex-wrap items-center gap-x-3 gap-y-1 text-sm">
                    <span className="font-mono text-slate-500">#{m.seq}</span>
                    <span className="font-medium text-slate-900">{m.subject}</span>
                    <span className="min-w-0 break-all text-slate-600">to {m.to.join(", ")}</span>
                    <Time value={m.receivedAt} format="ago" className="ml-auto text-slate-500" />
                  </summary>
                  <pre className="mt-3 max-h-80 overflow-auto rounded-lg bg-slate-50 p-3 text-xs whitespace-pre-wrap text-slate-800">
                    {`From: ${m.from}\nTo: ${m.to.join(", ")}\nSubject: ${m.subject}\n\n${m.text}`}
                  </pre>
                </details>
              </li>
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}

export default async function DemoReceiverPage() {
  if (!demoReceiverEnabled()) notFound();
  // Admins only: it shows whole webhook bodies (customer details) and reaches the integration's host.
  await requireUser("admin");
  const integration = await getIntegrationByName(getDb(), DEMO_INTEGRATION_NAME);
  const [received, mails] = integration
    ? await Promise.all([fetchReceived(integration.url), fetchCaughtMails(integration.url)])
    : [null, null];
  const rows = received ? received.map(toRow) : [];

  return (
    <>
      <PageHeader
        title="Demo receiver"
        description="A stand-in for n8n that runs with npm run dev: every delivery to it lands here with the signature verdict it reached on arrival."
        actions={<AutoRefresh />}
      />
      {!integration ? (
        <Card>
          <EmptyState
            icon={<Inbox />}
            title="No demo-receiver integration"
            description="The demo receiver is wired to the integration named demo-receiver, which the development seed creates."
          />
        </Card>
      ) : received === null ? (
        <Card>
          <EmptyState
            icon={<Inbox />}
            title="The demo receiver is not running"
            description={`It listens at ${integration.url}. npm run dev starts it together with the app and the engine.`}
          />
        </Card>
      ) : rows.length === 0 ? (
        <Card>
          <EmptyState
            icon={<Inbox />}
            title="Nothing received yet"
            description="npm run dev sends the seeded repairs' creation events as soon as the engine has loaded the app's functions, a few seconds after start. After that, save a work item and its webhook appears here within a second or two."
            action={
              <Link className="text-sm font-medium text-indigo-700 underline" href="/work-items">
                Go to work items
              </Link>
            }
          />
        </Card>
      ) : (
        <ReceivedWebhooks rows={rows} webhookUrl={integration.url} />
      )}
      {integration ? <Wiring webhookUrl={integration.url} /> : null}
      {mails ? <CaughtMails mails={mails} /> : null}
    </>
  );
}
