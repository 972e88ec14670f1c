import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { CHANGE_EVENT_TYPES } from "@/db/schema";
import { DRIVERS } from "../support/db";
import { type Pipeline, startPipeline } from "../support/pipeline";

// Nothing to revalidate outside a Next request.
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

type Ops = typeof import("@/server/integrations/operations");
type Audit = typeof import("@/server/audit/audit");
type Users = typeof import("@/server/auth/users");
type Notices = typeof import("@/server/notifications/notices");

const ADMIN = { id: "user-admin-1", name: "Ada Admin" };
const HEADER_VALUE = "n8n-header-auth-value-0123456789";

describe.each(DRIVERS)("audit log on %s", (driver) => {
  let p: Pipeline;
  let ops: Ops;
  let audit: Audit;
  let users: Users;
  let notices: Notices;

  beforeAll(async () => {
    p = await startPipeline(driver);
    ops = await import("@/server/integrations/operations");
    audit = await import("@/server/audit/audit");
    users = await import("@/server/auth/users");
    notices = await import("@/server/notifications/notices");
  });
  afterAll(async () => {
    await p?.close();
  });
  beforeEach(async () => {
    await p.db.reset();
  });

  const input = (name: string) => ({
    name,
    url: "http://127.0.0.1:9/webhook",
    eventTypes: [...CHANGE_EVENT_TYPES],
    headerName: "X-N8N-Auth",
    headerValue: HEADER_VALUE,
  });

  it("writes one row per integration act with actor, target, outcome and details, never a secret", async () => {
    const created = await ops.createIntegration(input("n8n"), p.db.db, ADMIN);
    if (!created.ok) throw new Error(created.message);
    const id = created.data.integration.id;
    expect((await ops.editIntegration(id, { ...input("n8n-main") }, p.db.db, ADMIN)).ok).toBe(true);
    expect((await ops.pauseIntegrationByAdmin(id, "Receiver moving", p.db.db, ADMIN)).ok).toBe(true);
    expect((await ops.resumeIntegration(id, p.db.db, ADMIN)).ok).toBe(true);
    const rotated = await ops.rotateSecret(id, p.db.db, ADMIN);
    if (!rotated.ok) throw new Error(rotated.message);

    const { rows } = await audit.listAuditEntries(p.db.db);
    expect(rows.map((r) => r.action)).toEqual([
      "integration.rotate_secret",
      "integration.resume",
      "integration.pause",
      "integration.update",
      "integration.create",
    ]);
    for (const row of rows) {
      expect(row).toMatchObject({
        actorId: ADMIN.id,
        actorName: ADMIN.name,
        targetType: "integration",
        targetId: String(id),
        outcome: "succeeded",
      });
    }
    expect(rows[2].details).toEqual({ reason: "Receiver moving" });
    expect(rows[3].details).toMatchObject({ previousName: "n8n", changed: expect.arrayContaining(["name"]) });
    expect(rows[3].targetLabel).toBe("integration n8n-main");
    const all = JSON.stringify(rows);
    expect(all).not.toContain(HEADER_VALUE);
    expect(all).not.toContain(created.data.secret.slice("whsec_".length));
    expect(all).not.toContain(rotated.data.secret.slice("whsec_".length));
  });

  it("writes a refused row when the act is refused", async () => {
    const created = await ops.createIntegration(input("n8n"), p.db.db, ADMIN);
    if (!created.ok) throw new Error(created.message);
    const again = await ops.createIntegration(input("n8n"), p.db.db, ADMIN);
    expect(again.ok).toBe(false);
    const gone = await ops.pauseIntegrationByAdmin(999_999, "x", p.db.db, ADMIN);
    expect(gone.ok).toBe(false);

    const { rows } = await audit.listAuditEntries(p.db.db);
    const refused = rows.filter((r) => r.outcome === "refused");
    expect(refused.map((r) => [r.action, r.message])).toEqual([
      ["integration.pause", "This integration no longer exists"],
      ["integration.create", 'An integration named "n8n" already exists'],
    ]);
  });

  it("filters by action, actor, target and date, and lists one object's entries", async () => {
    const a = await ops.createIntegration(input("alpha"), p.db.db, ADMIN);
    const b = await ops.createIntegration(input("beta"), p.db.db);
    if (!a.ok || !b.ok) throw new Error("create failed");
    await ops.pauseIntegrationByAdmin(a.data.integration.id, "x", p.db.db, ADMIN);

    const byAction = await audit.listAuditEntries(p.db.db, { action: "integration.pause" });
    expect(byAction.rows.map((r) => r.targetLabel)).toEqual(["integration alpha"]);
    const bySystem = await audit.listAuditEntries(p.db.db, { actor: "system" });
    expect(bySystem.rows.map((r) => [r.actorName, r.targetLabel])).toEqual([["System", "integration beta"]]);
    const byUser = await audit.listAuditEntries(p.db.db, { actor: ADMIN.id });
    expect(byUser.rows).toHaveLength(2);
    const byText = await audit.listAuditEntries(p.db.db, { targetType: "integration", target: "bet" });
    expect(byText.rows.map((r) => r.targetLabel)).toEqual(["integration beta"]);
    const future = await audit.listAuditEntries(p.db.db, { from: "2999-01-01" });
    expect(future.rows).toEqual([]);
    const paged = await audit.listAuditEntries(p.db.db, { page: 2 }, 2);
    expect(paged).toMatchObject({ hasMore: false });
    expect(paged.rows).toHaveLength(1);

    const forAlpha = await audit.listAuditEntriesFor(p.db.db, "integration", a.data.integration.id);
    expect(forAlpha.map((r) => r.action)).toEqual(["integration.pause", "integration.create"]);
    expect(await audit.listAuditActors(p.db.db)).toEqual([
      { id: ADMIN.id, name: ADMIN.name },
      { id: "system", name: "System" },
    ]);
  });

  it("records every user act by an admin, with the refusals in the admin's own words, never a password", async () => {
    const PASSWORD = "correct-horse-battery-staple-42";
    const boss = await users.createUser(p.db.db, {
      name: "Ada Admin",
      email: "ada@shop.test",
      role: "admin",
      password: PASSWORD,
    });
    if (!boss.ok) throw new Error("seed admin");
    const ada = { id: boss.id, name: "Ada Admin" };
    const theo = await users.createUser(
      p.db.db,
      { name: "Theo Tech", email: "Theo@Shop.test", role: "technician", password: PASSWORD },
      ada,
    );
    if (!theo.ok) throw new Error("create");
    expect(
      await users.createUser(
        p.db.db,
        { name: "Theo Again", email: "theo@shop.test", role: "manager", password: PASSWORD },
        ada,
      ),
    ).toEqual({ ok: false, reason: "email_taken" });
    expect(await users.setUserRole(p.db.db, theo.id, "manager", ada)).toEqual({ ok: true });
    expect(
      await users.setUserPassword(p.db.db, theo.id, "another-long-password-1", { revokeSessions: true }, ada),
    ).toEqual({ ok: true });
    expect(await users.deactivateUser(p.db.db, theo.id, ada)).toEqual({ ok: true });
    expect(await users.reactivateUser(p.db.db, theo.id, ada)).toEqual({ ok: true });
    expect(await users.deactivateUser(p.db.db, boss.id, ada)).toEqual({ ok: false, reason: "self" });
    expect(await users.setUserRole(p.db.db, boss.id, "manager")).toEqual({ ok: false, reason: "last_admin" });
    expect(await users.reactivateUser(p.db.db, "no-such-user", ada)).toEqual({
      ok: false,
      reason: "not_found",
    });

    const { rows } = await audit.listAuditEntries(p.db.db, { targetType: "user" });
    const theoLabel = "Theo Tech <theo@shop.test>";
    expect(rows.map((r) => [r.actorName, r.action, r.targetLabel, r.outcome, r.message]).reverse()).toEqual([
      ["System", "user.create", "Ada Admin <ada@shop.test>", "succeeded", null],
      ["Ada Admin", "user.create", theoLabel, "succeeded", null],
      [
        "Ada Admin",
        "user.create",
        "Theo Again <theo@shop.test>",
        "refused",
        "A user with this e-mail already exists.",
      ],
      ["Ada Admin", "user.role_change", theoLabel, "succeeded", null],
      ["Ada Admin", "user.password_reset", theoLabel, "succeeded", null],
      ["Ada Admin", "user.deactivate", theoLabel, "succeeded", null],
      ["Ada Admin", "user.reactivate", theoLabel, "succeeded", null],
      [
        "Ada Admin",
        "user.deactivate",
        "Ada Admin <ada@shop.test>",
        "refused",
        "You can't deactivate your own account.",
      ],
      [
        "System",
        "user.role_change",
        "Ada Admin <ada@shop.test>",
        "refused",
        "There must be at least one active admin.",
      ],
      ["Ada Admin", "user.reactivate", "user no-such-user", "refused", "That user no longer exists."],
    ]);
    const byTarget = await audit.listAuditEntriesFor(p.db.db, "user", theo.id);
    expect(byTarget.find((r) => r.action === "user.role_change")?.details).toEqual({
      from: "technician",
      to: "manager",
    });
    expect(byTarget.find((r) => r.action === "user.create" && r.outcome === "succeeded")?.details).toEqual({
      role: "technician",
    });
    expect(JSON.stringify(rows)).not.toMatch(/correct-horse|another-long-password/);
  });

  it("records an automatic pause as the system's, in the same statement, and who acknowledged its notice", async () => {
    const created = await ops.createIntegration(input("flaky"), p.db.db, ADMIN);
    if (!created.ok) throw new Error(created.message);
    const id = created.data.integration.id;
    const manager = await users.createUser(p.db.db, {
      name: "Mara Manager",
      email: "mara@shop.test",
      role: "manager",
      password: "a-long-enough-password",
    });
    if (!manager.ok) throw new Error("seed manager");
    const mara = { id: manager.id, name: "Mara Manager" };
    const paused = await notices.pauseAutomatically(
      p.db.db,
      id,
      "Paused automatically: 50 failed attempts in a row",
    );
    if (!paused.paused) throw new Error("not paused");
    // A second trip of the breaker pauses nothing and records nothing.
    expect((await notices.pauseAutomatically(p.db.db, id, "again")).paused).toBe(false);
    expect(await notices.acknowledgeNotice(p.db.db, paused.noticeId, mara)).toBe("acknowledged");
    expect(await notices.acknowledgeNotice(p.db.db, paused.noticeId, ADMIN)).toBe("already");

    const entries = await audit.listAuditEntriesFor(p.db.db, "integration", id);
    expect(entries.map((r) => [r.actorId, r.actorName, r.action, r.details])).toEqual([
      [
        mara.id,
        "Mara Manager",
        "notice.acknowledge",
        { noticeId: paused.noticeId, notice: "Paused automatically: 50 failed attempts in a row" },
      ],
      [
        null,
        "System",
        "integration.pause",
        { reason: "Paused automatically: 50 failed attempts in a row", automatic: true },
      ],
      [ADMIN.id, ADMIN.name, "integration.create", expect.anything()],
    ]);
  });
});
