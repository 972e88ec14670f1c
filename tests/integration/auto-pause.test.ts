import { asc, eq, sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CHANGE_EVENT_TYPES, type ChangeEvent, integrationSyncs, integrations, notices } from "@/db/schema";
import { resetEnvCache } from "@/lib/env";
import { createUser, deactivateUser } from "@/server/auth/users";
import { generateSecret } from "@/server/deliveries/sign";
import { createWorkItem, updateWorkItem } from "@/server/work-items/work-items";
import { DRIVERS } from "../support/db";
import {
  type Pipeline,
  recordSentEvents,
  startPipeline,
  waitForEventRunsToFinish,
} from "../support/pipeline";
import { startReceiver, type TestReceiver } from "../support/receiver";
import { startSmtpServer, type TestSmtpServer } from "../support/smtp";
import { ACTOR, ITEM } from "../support/work-item-fixture";

const WAIT = { timeoutMs: 20_000 };
const REASON_TIME = String.raw`\d{4}-\d\d-\d\d \d\d:\d\d UTC`;

type Ops = typeof import("@/server/integrations/operations");
type Dispatch = typeof import("@/server/deliveries/outbox");

describe.each(DRIVERS)("automatic pause with notice on %s", (driver) => {
  let p: Pipeline;
  let ops: Ops;
  let dispatch: Dispatch;
  let smtp: TestSmtpServer;
  let opsReceiver: TestReceiver;
  let receiver: TestReceiver | undefined;
  let baseEnv: NodeJS.ProcessEnv;
  let counter = 0;
  const opsSecret = generateSecret();
  /** Who must be told (active managers and admins), sorted: the technician and the deactivated manager are not. */
  const told = [`admin-${driver}@fixed.test`, `mara-${driver}@fixed.test`].sort();

  beforeAll(async () => {
    p = await startPipeline(driver);
    baseEnv = { ...process.env };
    ops = await import("@/server/integrations/operations");
    dispatch = await import("@/server/deliveries/outbox");
    smtp = await startSmtpServer();
    opsReceiver = await startReceiver();
    const people = [
      { name: "Ada Admin", email: `admin-${driver}@fixed.test`, role: "admin" as const },
      { name: "Mara Manager", email: `mara-${driver}@fixed.test`, role: "manager" as const },
      { name: "Tess Technician", email: `tess-${driver}@fixed.test`, role: "technician" as const },
      { name: "Gone Manager", email: `gone-${driver}@fixed.test`, role: "manager" as const },
    ];
    for (const person of people) {
      const created = await createUser(p.db.db, { ...person, password: "a-long-enough-password" });
      if (!created.ok) throw new Error(created.reason);
      if (person.email.startsWith("gone-")) await deactivateUser(p.db.db, created.id);
    }
  });
  afterAll(async () => {
    process.env = baseEnv;
    resetEnvCache();
    await smtp?.close();
    await opsReceiver?.close();
    await p?.close();
  });
  afterEach(async () => {
    await p.clearIntegrations();
    await receiver?.close();
    receiver = undefined;
    smtp.clear();
    opsReceiver.clear();
    process.env = { ...baseEnv };
    resetEnvCache();
  });

  function configure(vars: Record<string, string>) {
    process.env = { ...baseEnv, ...vars };
    resetEnvCache();
  }

  /** Everything on: small thresholds, the test SMTP server, the ops receiver. */
  function configureAll(vars: Record<string, string> = {}) {
    configure({
      AUTO_PAUSE_FAILURES: "3",
      AUTO_PAUSE_AFTER_HOURS: "0",
      SMTP_URL: smtp.url,
      MAIL_FROM: "Fixed Service <alerts@fixed.test>",
      OPS_WEBHOOK_URL: opsReceiver.urlFor("/ops"),
      OPS_WEBHOOK_SECRET: opsSecret,
      ...vars,
    });
  }

  async function integrationFor(url: string) {
    const result = await ops.createIntegration(
      {
        name: `n8n-${driver}-${++counter}`,
        url,
        eventTypes: [...CHANGE_EVENT_TYPES],
        headerName: null,
        headerValue: null,
      },
      p.db.db,
    );
    if (!result.ok) throw new Error(result.message);
    return result.data.integration;
  }

  async function send(events: ChangeEvent[]) {
    await dispatch.dispatchChangeEvents(events, p.db.db);
  }

  async function newItem() {
    const created = await createWorkItem(p.db.db, ITEM, ACTOR);
    if (!created.ok) throw new Error(created.reason);
    await send(created.events);
    return created.row;
  }

  async function save(id: number, revision: number, fields: Record<string, unknown>) {
    const result = await updateWorkItem(p.db.db, id, { revision, ...fields }, ACTOR);
    if (!result.ok || !result.changed)
      throw new Error(`save did not change anything: ${JSON.stringify(result)}`);
    await send(result.events);
    return result.row;
  }

  async function integrationRow(id: number) {
    const [row] = await p.db.db.select().from(integrations).where(eq(integrations.id, id));
    return row;
  }

  async function noticesOf(integrationId: number) {
    return p.db.db.select().from(notices).where(eq(notices.integrationId, integrationId));
  }

  /** Runs `fn` and waits until every run the events it sent started (and those runs' events) has finished. */
  async function settled<T>(fn: () => Promise<T>) {
    const sent = await recordSentEvents();
    try {
      const result = await fn();
      const runs = await waitForEventRunsToFinish(p.engineUrl, sent.ids, { timeoutMs: 30_000 });
      return { result, runs };
    } finally {
      sent.stop();
    }
  }

  it("pauses after AUTO_PAUSE_FAILURES failed attempts in a row and tells managers and admins once: a notice, an e-mail, a signed ops webhook", async () => {
    configureAll();
    receiver = await startReceiver({ defaultResponse: 503 });
    const integration = await integrationFor(receiver.urlFor("/hook"));
    const { result: item, runs } = await settled(() => newItem());

    const paused = await integrationRow(integration.id);
    expect(paused.active).toBe(false);
    expect(paused.pausedReason).toMatch(
      new RegExp(
        `^Paused automatically: 3 failed attempts in a row since ${REASON_TIME}; last: HTTP 503 Service Unavailable$`,
      ),
    );
    // The third failure paused instead of retrying: nothing more went to the receiver.
    expect(receiver.requests).toHaveLength(3);
    const [sync] = await p.db.db
      .select()
      .from(integrationSyncs)
      .where(eq(integrationSyncs.workItemId, item.id));
    expect(sync).toMatchObject({ status: "pending", attemptCount: 3 });

    const written = await noticesOf(integration.id);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({
      kind: "integration_paused",
      text: paused.pausedReason,
      acknowledgedAt: null,
    });
    expect(written[0].dispatchedAt).not.toBeNull();
    expect(written[0].emailedAt).not.toBeNull();

    expect(smtp.mails).toHaveLength(1);
    const [{ envelopeTo, mail }] = smtp.mails;
    expect(envelopeTo).toEqual(told);
    const to = Array.isArray(mail.to) ? mail.to.flatMap((a) => a.value) : (mail.to?.value ?? []);
    expect(to.map((a) => a.address).sort()).toEqual(told);
    expect(mail.from?.value[0].address).toBe("alerts@fixed.test");
    expect(mail.subject).toBe(`Fixed Service: integration ${integration.name} paused`);
    expect(mail.text).toContain(paused.pausedReason);
    expect(mail.text).toContain(`/integrations/${integration.id}`);

    expect(opsReceiver.requests).toHaveLength(1);
    const [hook] = opsReceiver.requests;
    expect(() => new Webhook(opsSecret).verify(hook.rawBody, hook.headers)).not.toThrow();
    expect(hook.headers["webhook-id"]).toBe(`ops_notice_${written[0].id}`);
    expect(hook.json).toMatchObject({
      type: "integration.paused",
      data: { integration: { id: integration.id, name: integration.name }, reason: paused.pausedReason },
    });

    const fns = runs.map((r) => r.function_id);
    expect(fns.filter((f) => f.endsWith("email-pause-notice"))).toHaveLength(1);
    expect(runs.every((r) => r.status === "Completed")).toBe(true);
  });

  it("resume delivers what waited, in revision order, and sends a signed integration.resumed", async () => {
    configureAll();
    receiver = await startReceiver({ defaultResponse: 503 });
    const integration = await integrationFor(receiver.urlFor("/hook"));
    const { result: item } = await settled(() => newItem());
    expect((await integrationRow(integration.id)).active).toBe(false);

    // Saved while paused: pending, nothing sent.
    await settled(async () => {
      const r2 = await save(item.id, 1, { description: "Screen replaced" });
      await save(item.id, r2.revision, { status: "in_progress" });
    });
    expect(receiver.requests).toHaveLength(3);
    opsReceiver.clear();

    receiver.setDefaultResponse(200);
    receiver.clear();
    const { result: resumed } = await settled(() =>
      ops.resumeIntegration(integration.id, p.db.db, { id: "user-ada", name: "Ada Admin" }),
    );
    // Revision 3 moved the status too: workitem_updated and workitem_status_changed.
    // One run for the item's line (its head, revision 1), which goes on down the line.
    expect(resumed).toMatchObject({ ok: true, data: { waiting: 4, requested: 1 } });
    await receiver.waitForRequests(4, WAIT);
    const revisions = receiver.requests.map((r) => (r.json as { revision: number; type: string }).revision);
    expect(revisions).toEqual([1, 2, 3, 3]);
    const syncs = await p.db.db
      .select()
      .from(integrationSyncs)
      .where(eq(integrationSyncs.workItemId, item.id))
      .orderBy(asc(integrationSyncs.revision));
    expect(syncs.map((s) => s.status)).toEqual(["synced", "synced", "synced", "synced"]);

    const resumedHooks = opsReceiver.requests.filter(
      (r) => (r.json as { type: string }).type === "integration.resumed",
    );
    expect(resumedHooks).toHaveLength(1);
    expect(() =>
      new Webhook(opsSecret).verify(resumedHooks[0].rawBody, resumedHooks[0].headers),
    ).not.toThrow();
    expect(resumedHooks[0].json).toMatchObject({
      data: { integration: { id: integration.id }, resumed_by: { name: "Ada Admin" }, pending: 4 },
    });
    // One notice for the one pause.
    expect(await noticesOf(integration.id)).toHaveLength(1);
  });

  it("pauses when failing for AUTO_PAUSE_AFTER_HOURS without a success, before the count", async () => {
    configureAll({ AUTO_PAUSE_FAILURES: "0", AUTO_PAUSE_AFTER_HOURS: "1" });
    receiver = await startReceiver({ defaultResponse: 503 });
    const integration = await integrationFor(receiver.urlFor("/hook"));
    // As if it had been failing for two hours: 7 failed attempts so far, none succeeded.
    await p.db.db
      .update(integrations)
      .set({
        failedAttemptsInARow: 7,
        failingSince: sql`now() - interval '2 hours'`,
        autoPauseStreak: 7,
        autoPauseStreakSince: sql`now() - interval '2 hours'`,
      })
      .where(eq(integrations.id, integration.id));
    await settled(() => newItem());

    const paused = await integrationRow(integration.id);
    expect(paused.active).toBe(false);
    expect(paused.pausedReason).toMatch(
      new RegExp(
        `^Paused automatically: failing for more than 1 h \\(8 failed attempts, none succeeded since ${REASON_TIME}\\); last: HTTP 503 Service Unavailable$`,
      ),
    );
    expect(receiver.requests).toHaveLength(1);
    expect(await noticesOf(integration.id)).toHaveLength(1);
    expect(smtp.mails).toHaveLength(1);
    expect(opsReceiver.requests).toHaveLength(1);
  });

  it("an admin's pause while the threshold's attempt is on the wire: the admin's reason stands, nobody is told", async () => {
    configureAll({ AUTO_PAUSE_FAILURES: "2" });
    receiver = await startReceiver({ defaultResponse: 503 });
    receiver.respondWith([503, { hang: true }]);
    const integration = await integrationFor(receiver.urlFor("/hook"));
    await settled(async () => {
      const item = await newItem();
      // The second try (the one that reaches 2) hangs until its timeout; the admin pauses meanwhile.
      await receiver!.waitForRequests(2, WAIT);
      const byAdmin = await ops.pauseIntegrationByAdmin(integration.id, "Maintenance window", p.db.db);
      expect(byAdmin.ok).toBe(true);
      return item;
    });
    const row = await integrationRow(integration.id);
    expect(row).toMatchObject({ active: false, pausedReason: "Maintenance window" });
    // The timed-out try was recorded and reached the threshold: only the compare-and-set kept it quiet.
    expect(row.autoPauseStreak).toBe(2);
    expect(receiver.requests).toHaveLength(2);
    expect(await noticesOf(integration.id)).toHaveLength(0);
    expect(smtp.mails).toHaveLength(0);
    expect(opsReceiver.requests).toHaveLength(0);
  });

  it("with SMTP_URL and OPS_WEBHOOK_URL unset it pauses, writes the notice, sends nothing and fails nothing", async () => {
    configure({ AUTO_PAUSE_FAILURES: "2", AUTO_PAUSE_AFTER_HOURS: "0" });
    receiver = await startReceiver({ defaultResponse: 503 });
    const integration = await integrationFor(receiver.urlFor("/hook"));
    const { runs } = await settled(() => newItem());
    expect((await integrationRow(integration.id)).active).toBe(false);
    expect(await noticesOf(integration.id)).toHaveLength(1);
    expect(smtp.mails).toHaveLength(0);
    expect(opsReceiver.requests).toHaveLength(0);
    expect(runs.every((r) => r.status === "Completed")).toBe(true);
    const email = runs.find((r) => r.function_id.endsWith("email-pause-notice"));
    expect(email?.steps.find((s) => s.name === "send-email")?.output).toEqual({
      sent: false,
      reason: "mail off",
    });
    const opsRun = runs.find((r) => r.function_id.endsWith("send-ops-webhook"));
    expect(opsRun?.steps.find((s) => s.name === "post-ops-webhook")?.output).toEqual({
      sent: false,
      reason: "ops webhook off",
    });
  });

  it("a mail server that refuses once: the e-mail step retries and one e-mail arrives; the pause is not held up", async () => {
    configureAll({ AUTO_PAUSE_FAILURES: "2", OPS_WEBHOOK_URL: "", OPS_WEBHOOK_SECRET: "" });
    smtp.refuseNext(1);
    receiver = await startReceiver({ defaultResponse: 503 });
    const integration = await integrationFor(receiver.urlFor("/hook"));
    await settled(() => newItem());
    expect((await integrationRow(integration.id)).active).toBe(false);
    expect(smtp.refused).toBeGreaterThanOrEqual(1);
    await smtp.waitForMails(1);
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0].envelopeTo).toEqual(told);
  });

  it("a sync given up sends a signed delivery.failed: at once for a 400, after the retries for a 503", async () => {
    configureAll({ AUTO_PAUSE_FAILURES: "0", AUTO_PAUSE_AFTER_HOURS: "0" });
    receiver = await startReceiver({ defaultResponse: 400 });
    const integration = await integrationFor(receiver.urlFor("/hook"));
    const { result: item } = await settled(() => newItem());
    receiver.setDefaultResponse(503);
    await settled(() => save(item.id, 1, { description: "Screen replaced" }));

    // The run that gave up reports it from its failure handler, a run the engine starts of its own.
    await opsReceiver.waitForRequests(2, WAIT);
    const syncs = await p.db.db
      .select()
      .from(integrationSyncs)
      .where(eq(integrationSyncs.workItemId, item.id))
      .orderBy(asc(integrationSyncs.revision));
    expect(syncs.map((s) => s.status)).toEqual(["failed", "failed"]);
    expect(syncs[1].attemptCount).toBeGreaterThan(2);
    const failed = opsReceiver.requests;
    expect(failed.map((r) => (r.json as { type: string }).type)).toEqual([
      "delivery.failed",
      "delivery.failed",
    ]);
    for (const [index, request] of failed.entries()) {
      expect(() => new Webhook(opsSecret).verify(request.rawBody, request.headers)).not.toThrow();
      expect(request.headers["webhook-id"]).toBe(
        `ops_failed_${syncs[index].id}_${syncs[index].attemptCount}`,
      );
      expect(request.json).toMatchObject({
        data: {
          sync: { id: syncs[index].id, webhook_id: syncs[index].webhookId },
          integration: { id: integration.id, name: integration.name },
          work_item: { id: item.id, reference: item.reference },
          attempts: syncs[index].attemptCount,
          error: expect.stringMatching(index === 0 ? /HTTP 400/ : /HTTP 503/),
        },
      });
    }
    // Failing for good is not a pause (both thresholds are off here).
    expect((await integrationRow(integration.id)).active).toBe(true);
    expect(await noticesOf(integration.id)).toHaveLength(0);
  });

  it("the recovery cron sends a notice again when no notify run received it (the pausing step died)", async () => {
    configureAll();
    const integration = await integrationFor("http://127.0.0.1:9/hook");
    const { pauseAutomatically } = await import("@/server/notifications/notices");
    const paused = await pauseAutomatically(
      p.db.db,
      integration.id,
      "Paused automatically: 50 failed attempts",
    );
    if (!paused.paused) throw new Error("not paused");
    await p.db.db.update(notices).set({ createdAt: sql`now() - interval '3 minutes'` });
    const { inngest } = await import("@/inngest/client");
    const { recoveryRequested } = await import("@/inngest/events");
    await settled(() => inngest.send(recoveryRequested.create({ reason: "test" })));
    expect(smtp.mails).toHaveLength(1);
    expect(opsReceiver.requests.map((r) => (r.json as { type: string }).type)).toEqual([
      "integration.paused",
    ]);
    const [row] = await noticesOf(integration.id);
    expect(row.dispatchedAt).not.toBeNull();
    // The next pass finds nothing to send.
    smtp.clear();
    await settled(() => inngest.send(recoveryRequested.create({ reason: "again" })));
    expect(smtp.mails).toHaveLength(0);
  });
});
