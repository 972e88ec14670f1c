import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Integration, integrationSyncs, integrations, notices } from "@/db/schema";
import { createUser } from "@/server/auth/users";
import { type AttemptRecord, recordAttempt } from "@/server/deliveries/attempt";
import { createSyncsForChangeEvent } from "@/server/deliveries/fan-out";
import { setIntegrationActive } from "@/server/integrations/integrations";
import {
  acknowledgeNotice,
  listOpenNotices,
  pauseAutomatically,
  undispatchedNoticeEvents,
} from "@/server/notifications/notices";
import { workItemCreateSchema } from "@/server/work-items/validation";
import { createWorkItem } from "@/server/work-items/work-items";
import { createTestDb, DRIVERS, type TestDb } from "../support/db";

const ITEM = workItemCreateSchema.parse({ title: "Replace screen", customerName: "M K", device: "Pixel 8" });

describe.each(DRIVERS)("notices and the automatic pause's compare-and-set on %s", (driver) => {
  let t: TestDb;
  let hook: Integration;

  beforeAll(async () => {
    t = await createTestDb(driver);
  });
  afterAll(async () => t?.close());
  beforeEach(async () => {
    await t.reset();
    [hook] = await t.db
      .insert(integrations)
      .values({
        name: "n8n",
        url: "https://n8n.example/webhook/x",
        eventTypes: ["workitem_created"],
        secret: "whsec_a",
      })
      .returning();
  });

  const noticeCount = async () => (await t.db.select().from(notices)).length;

  it("ten attempts reaching the threshold at once pause once and write one notice", async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        pauseAutomatically(t.db, hook.id, `Paused automatically: try ${i}`),
      ),
    );
    const won = outcomes.filter((o) => o.paused);
    expect(won).toHaveLength(1);
    // Every loser reports the winner's reason.
    expect(new Set(outcomes.map((o) => o.reason))).toEqual(new Set([won[0].reason]));
    expect(await noticeCount()).toBe(1);
    const [row] = await t.db.select().from(integrations).where(eq(integrations.id, hook.id));
    expect(row).toMatchObject({ active: false, pausedReason: won[0].reason });
  });

  it("after an admin's pause an automatic one changes nothing and writes no notice", async () => {
    await setIntegrationActive(t.db, hook.id, false, "Maintenance window");
    const outcome = await pauseAutomatically(t.db, hook.id, "Paused automatically: 50 failed attempts");
    expect(outcome).toEqual({ paused: false, reason: "Maintenance window" });
    expect(await noticeCount()).toBe(0);
  });

  it("a resume starts the count towards the next pause from zero; the health streak keeps counting", async () => {
    const created = await createWorkItem(t.db, ITEM, { id: "u", name: "Tess" });
    if (!created.ok) throw new Error("create failed");
    const [{ sync }] = await createSyncsForChangeEvent(t.db, created.events[0], [hook]);
    const failure: AttemptRecord = {
      syncId: sync!.id,
      trigger: "automatic",
      requestUrl: hook.url,
      requestHeaders: {},
      responseStatus: 503,
      responseHeaders: {},
      responseBody: "",
      durationMs: 3,
      errorKind: "http",
      errorMessage: "HTTP 503 Service Unavailable",
      succeeded: false,
    };
    for (let i = 0; i < 3; i++) await recordAttempt(t.db, failure);
    await pauseAutomatically(t.db, hook.id, "Paused automatically: 3 failed attempts");
    await setIntegrationActive(t.db, hook.id, true, null);
    const after = await recordAttempt(t.db, failure);
    expect(after?.streak).toMatchObject({ failures: 1, lastError: "HTTP 503 Service Unavailable" });
    expect(after?.streak.since).toBeInstanceOf(Date);
    const [row] = await t.db.select().from(integrations).where(eq(integrations.id, hook.id));
    expect(row).toMatchObject({ failedAttemptsInARow: 4, autoPauseStreak: 1 });
    // A success clears both.
    const ok = await recordAttempt(t.db, {
      ...failure,
      responseStatus: 200,
      errorKind: null,
      errorMessage: null,
      succeeded: true,
    });
    expect(ok?.streak).toEqual({ failures: 0, since: null, lastError: null });
    await t.db.delete(integrationSyncs);
  });

  it("the first acknowledgement counts for everyone and stays", async () => {
    const paused = await pauseAutomatically(t.db, hook.id, "Paused automatically: 50 failed attempts");
    if (!paused.paused) throw new Error("not paused");
    const mara = await createUser(t.db, {
      name: "Mara Manager",
      email: "mara@fixed.test",
      role: "manager",
      password: "a-long-enough-password",
    });
    const ada = await createUser(t.db, {
      name: "Ada Admin",
      email: "ada@fixed.test",
      role: "admin",
      password: "a-long-enough-password",
    });
    if (!mara.ok || !ada.ok) throw new Error("users not created");
    expect((await listOpenNotices(t.db)).map((n) => n.id)).toEqual([paused.noticeId]);
    expect(await acknowledgeNotice(t.db, paused.noticeId, { id: mara.id, name: "Mara Manager" })).toBe(
      "acknowledged",
    );
    expect(await acknowledgeNotice(t.db, paused.noticeId, { id: ada.id, name: "Ada Admin" })).toBe("already");
    expect(await acknowledgeNotice(t.db, paused.noticeId + 1000, { id: ada.id, name: "Ada Admin" })).toBe(
      "missing",
    );
    expect(await listOpenNotices(t.db)).toEqual([]);
    const [row] = await t.db.select().from(notices).where(eq(notices.id, paused.noticeId));
    expect(row).toMatchObject({ acknowledgedById: mara.id, acknowledgedByName: "Mara Manager" });
    expect(row.acknowledgedAt).not.toBeNull();
  });

  it("the safety net finds a notice no notify run has received after two minutes, not before", async () => {
    const paused = await pauseAutomatically(t.db, hook.id, "Paused automatically: 50 failed attempts");
    if (!paused.paused) throw new Error("not paused");
    expect(await undispatchedNoticeEvents(t.db)).toEqual([]);
    await t.db.update(notices).set({ createdAt: sql`now() - interval '3 minutes'` });
    const events = await undispatchedNoticeEvents(t.db);
    expect(events.map(({ name, id, data }) => ({ name, id, data }))).toEqual([
      {
        name: "notifications/integration.paused",
        id: `notice-${paused.noticeId}`,
        data: { noticeId: paused.noticeId, integrationId: hook.id },
      },
    ]);
  });
});
