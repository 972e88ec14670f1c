import { Inbox, Mail, ShieldAlert, ShieldCheck } from "lucide-react";
import Link from "next/link";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/app-shell/page-header";
import { AutoRefresh } from "@/components/demo-receiver/auto-refresh";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Time } from "@/components/ui/time";
import { getDb } from "@/db/client";
import { requireUser } from "@/server/auth/guard";
import { signingSecrets } from "@/server/deliveries/sign";
import {
  type CaughtMail,
  checkSignatures,
  demoReceiverEnabled,
  fetchCaughtMails,
  fetchReceived,
} from "@/server/demo/demo-receiver";
import { getIntegrationByName } from "@/server/integrations/integrations";

export const dynamic = "force-dynamic";

const DEMO_INTEGRATION_NAME = "demo-receiver";

/** The notice e-mails npm run dev's catcher got (only when SMTP_URL points at it). */
function CaughtMails({ mails }: { mails: CaughtMail[] }) {
  return (
    <Card className="mt-6">
      <CardHeader>
        <div>
          <CardTitle>{mails.length} e-mail(s) caught</CardTitle>
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
  const checked = received && integration ? checkSignatures(received, signingSecrets(integration)) : [];

  return (
    <>
      <PageHeader
        title="Demo receiver"
        description="A stand-in for n8n that runs with npm run dev: every delivery to the demo-receiver integration lands here, signature checked."
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
      ) : checked.length === 0 ? (
        <Card>
          <EmptyState
            icon={<Inbox />}
            title="Nothing received yet"
            description="Save a work item and its webhook appears here within a second or two."
            action={
              <Link className="text-sm font-medium text-indigo-700 underline" href="/work-items">
                Go to work items
              </Link>
            }
          />
        </Card>
      ) : (
        <Card>
          <CardHeader>
            <div>
              <CardTitle>{checked.length} webhook(s) received</CardTitle>
              <CardDescription>Newest first, at {integration.url}</CardDescription>
            </div>
          </CardHeader>
          <CardContent className="p-0">
            <ul className="divide-y divide-slate-100">
              {checked.map((w) => (
                <li key={w.seq} className="px-5 py-3">
                  <details>
                    <summary className="flex cursor-pointer flex-wrap items-center gap-x-3 gap-y-1 text-sm">
                      <span className="font-mono text-slate-500">#{w.seq}</span>
                      <Badge tone="blue">{w.json?.type ?? "unknown"}</Badge>
                      <span className="font-medium text-slate-900">
                        {w.json?.work_item?.reference ?? "—"}
                      </span>
                      {w.json?.revision !== undefined ? (
                        <span className="text-slate-600">revision {w.json.revision}</span>
                      ) : null}
                      {w.signatureValid ? (
                        <Badge tone="green">
                          <ShieldCheck aria-hidden="true" className="size-3.5" /> Signature valid
                        </Badge>
                      ) : (
                        <Badge tone="red">
                          <ShieldAlert aria-hidden="true" className="size-3.5" /> Signature invalid
                        </Badge>
                      )}
                      <Time value={w.receivedAt} format="ago" className="ml-auto text-slate-500" />
                    </summary>
                    <div className="mt-3 grid gap-3 lg:grid-cols-2">
                      <div className="min-w-0">
                        <h3 className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase">
                          Headers
                        </h3>
                        <pre className="overflow-x-auto rounded-lg bg-slate-50 p-3 text-xs text-slate-800">
                          {["webhook-id", "webhook-timestamp", "webhook-signature", "user-agent"]
                            .map((h) => `${h}: ${w.headers[h] ?? ""}`)
                            .join("\n")}
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
      )}
      {mails ? <CaughtMails mails={mails} /> : null}
    </>
  );
}
