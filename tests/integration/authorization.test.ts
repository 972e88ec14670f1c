import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { rowsOf, setDbHandle } from "@/db/client";
import { CHANGE_EVENT_TYPES, integrationSyncs, type Role } from "@/db/schema";
import type { ActionResult, SessionUser } from "@/server/auth/guard";
import { type SeededUser, seedDemoUsers } from "@/server/auth/seed-users";
import { createUser, deactivateUser } from "@/server/auth/users";
import { createTask } from "@/server/work-items/tasks";
import { createWorkItem, getWorkItem } from "@/server/work-items/work-items";
import { type EngineServer, startEngine } from "../../engine/server";
import { asUser } from "../support/auth";
import { createTestDb, DRIVERS, type TestDb } from "../support/db";
import { startReceiver, type TestReceiver } from "../support/receiver";

// Pages revalidate outside a Next request here; nothing to revalidate.
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

const TABLES = [
  "users",
  "accounts",
  "sessions",
  "work_items",
  "tasks",
  "change_events",
  "integrations",
  "integration_syncs",
  "sync_attempts",
  "notices",
  "audit_log",
];

type Caller = Role | null;
const CALLERS: Caller[] = [null, "technician", "manager", "admin"];
const RANK: Record<Role, number> = { technician: 1, manager: 2, admin: 3 };

function isAllowed(caller: Caller, min: Role): boolean {
  return caller !== null && RANK[caller] >= RANK[min];
}

/** Runs an action; Next's redirect after a successful create counts as success. */
async function call<T>(
  fn: () => Promise<ActionResult<T>>,
): Promise<ActionResult<T> | { ok: true; redirected: true }> {
  try {
    return await fn();
  } catch (error) {
    const digest = (error as { digest?: string }).digest ?? "";
    if (digest.startsWith("NEXT_REDIRECT")) return { ok: true, redirected: true };
    throw error;
  }
}

// One engine for the file: the SDK client reads INNGEST_BASE_URL once, when it is first imported.
let engine: EngineServer;
beforeAll(async () => {
  // A real engine with no app synced: events are accepted and stored, no run changes the database.
  engine = await startEngine({
    port: 0,
    dataDir: fs.mkdtempSync(path.join(os.tmpdir(), "fs-authz-engine-")),
    logger: pino({ level: "silent" }),
  });
  process.env.INNGEST_DEV = "1";
  process.env.INNGEST_BASE_URL = engine.url;
  process.env.WEBHOOK_ALLOWED_HOSTS = "127.0.0.1";
  (await import("@/lib/env")).resetEnvCache();
});
afterAll(async () => {
  await engine?.close();
});

describe.each(DRIVERS)("every server action checks the role on %s", (driver) => {
  let t: TestDb;
  let receiver: TestReceiver;
  let users: Record<Role, SessionUser>;
  let actions: Awaited<ReturnType<typeof loadActions>>;
  let counter = 0;

  async function loadActions() {
    return {
      workItems: await import("@/app/(app)/work-items/actions"),
      workItem: await import("@/app/(app)/work-items/[id]/actions"),
      users: await import("@/app/(app)/admin/users/actions"),
      integrations: await import("@/app/(app)/integrations/actions"),
      syncs: await import("@/app/(app)/syncs/actions"),
      ops: await import("@/server/integrations/operations"),
      shell: await import("@/app/(app)/actions"),
      notices: await import("@/server/notifications/notices"),
    };
  }

  /** Every row of every table, hashed: "changed nothing" means this is the same before and after. */
  async function digest(): Promise<string> {
    const parts: string[] = [];
    for (const table of TABLES) {
      const result = await t.db.execute(
        sql.raw(`select coalesce(md5(string_agg(x::text, '|' order by x::text)), '') as h from ${table} x`),
      );
      parts.push(`${table}:${rowsOf<{ h: string }>(result)[0].h}`);
    }
    return parts.join(",");
  }

  beforeAll(async () => {
    t = await createTestDb(driver);
    setDbHandle(t);
    receiver = await startReceiver();
    const seeded: SeededUser[] = await seedDemoUsers(t.db);
    const byRole = (role: Role) => seeded.find((u) => u.role === role)!;
    users = { technician: byRole("technician"), manager: byRole("manager"), admin: byRole("admin") };
    actions = await loadActions();
  });
  afterAll(async () => {
    setDbHandle(undefined);
    await receiver?.close();
    await t?.close();
  });

  async function workItem() {
    const created = await createWorkItem(
      t.db,
      {
        title: "Broken hinge",
        description: "",
        customerName: "Ivo Kranjc",
        customerEmail: null,
        customerPhone: null,
        device: "ThinkPad T14",
        serialNumber: null,
        status: "new",
        priority: "normal",
        priceCents: null,
        technicianId: null,
      },
      null,
    );
    if (!created.ok) throw new Error("fixture work item not created");
    return created;
  }

  async function integration() {
    const result = await actions.ops.createIntegration(
      {
        name: `authz-${driver}-${++counter}`,
        url: receiver.urlFor("/hook"),
        eventTypes: [...CHANGE_EVENT_TYPES],
        headerName: null,
        headerValue: null,
      },
      t.db,
    );
    if (!result.ok) throw new Error(result.message);
    return result.data.integration;
  }

  async function failedSync() {
    const item = await workItem();
    const target = await integration();
    const [row] = await t.db
      .insert(integrationSyncs)
      .values({
        integrationId: target.id,
        subjectType: "workitem",
        subjectId: item.row.id,
        workItemId: item.row.id,
        changeEventId: item.events[0].id,
        eventType: "workitem_created",
        revision: 1,
        status: "failed",
        webhookId: `msg_authz_${++counter}`,
        payload: {},
      })
      .returning();
    return { sync: row, integration: target };
  }

  async function otherUser(role: Role = "technician") {
    const created = await createUser(t.db, {
      name: `Someone ${++counter}`,
      email: `someone-${driver}-${counter}@fixed.test`,
      role,
      password: "a-long-enough-password",
    });
    if (!created.ok) throw new Error("fixture user not created");
    return created.id;
  }

  type Case = { name: string; min: Role; run: () => Promise<() => Promise<ActionResult<unknown>>> };

  const cases: Case[] = [
    {
      name: "create work item",
      min: "technician",
      run: async () => () =>
        actions.workItems.createWorkItemAction({ title: "New", customerName: "Ana", device: "Pixel 8" }),
    },
    {
      name: "update work item",
      min: "technician",
      run: async () => {
        const item = await workItem();
        return () =>
          actions.workItem.updateWorkItemAction({
            id: item.row.id,
            revision: 1,
            title: "Broken hinge, left",
          });
      },
    },
    {
      name: "add task",
      min: "technician",
      run: async () => {
        const item = await workItem();
        return () => actions.workItem.createTaskAction({ workItemId: item.row.id, title: "Order hinge" });
      },
    },
    {
      name: "update task",
      min: "technician",
      run: async () => {
        const item = await workItem();
        const task = await createTask(t.db, item.row.id, "Order hinge", null);
        if (!task.ok) throw new Error("fixture task not created");
        return () =>
          actions.workItem.updateTaskAction({
            taskId: task.row.id,
            workItemId: item.row.id,
            revision: 1,
            done: "true",
          });
      },
    },
    {
      name: "resend a delivery",
      min: "manager",
      run: async () => {
        const { sync } = await failedSync();
        return () => actions.syncs.resendSyncAction({ syncId: sync.id });
      },
    },
    {
      name: "recover failed syncs",
      min: "manager",
      run: async () => {
        const { integration: target } = await failedSync();
        return () =>
          actions.syncs.recoverFailedAction({
            integrationId: target.id,
            since: new Date(Date.now() - 3_600_000).toISOString(),
          });
      },
    },
    {
      name: "preview a recovery",
      min: "manager",
      run: async () => {
        const { integration: target } = await failedSync();
        return () =>
          actions.syncs.previewRecoveryAction({
            integrationId: String(target.id),
            since: new Date(Date.now() - 3_600_000).toISOString(),
          });
      },
    },
    {
      name: "create integration",
      min: "admin",
      run: async () => {
        const name = `created-${driver}-${++counter}`;
        return () =>
          actions.integrations.createIntegrationAction({
            name,
            url: receiver.urlFor("/hook"),
            eventTypes: ["workitem_updated"],
          });
      },
    },
    {
      name: "edit integration",
      min: "admin",
      run: async () => {
        const target = await integration();
        return () =>
          actions.integrations.updateIntegrationAction({
            id: target.id,
            name: `${target.name}-renamed`,
            url: target.url,
            eventTypes: ["workitem_created"],
          });
      },
    },
    {
      name: "pause integration",
      min: "admin",
      run: async () => {
        const target = await integration();
        return () => actions.integrations.pauseIntegrationAction({ id: target.id });
      },
    },
    {
      name: "resume integration",
      min: "admin",
      run: async () => {
        const target = await integration();
        await actions.ops.pauseIntegrationByAdmin(target.id, "test", t.db);
        return () => actions.integrations.resumeIntegrationAction({ id: target.id });
      },
    },
    {
      name: "acknowledge notice",
      min: "manager",
      run: async () => {
        const target = await integration();
        const paused = await actions.notices.pauseAutomatically(
          t.db,
          target.id,
          "Paused automatically: test",
        );
        if (!paused.paused) throw new Error("fixture notice not written");
        return () => actions.shell.acknowledgeNoticeAction({ id: paused.noticeId });
      },
    },
    {
      name: "rotate secret",
      min: "admin",
      run: async () => {
        const target = await integration();
        return () => actions.integrations.rotateSecretAction({ id: target.id });
      },
    },
    {
      name: "send test event",
      min: "admin",
      run: async () => {
        const target = await integration();
        return () => actions.integrations.sendTestEventAction({ id: target.id });
      },
    },
    {
      name: "create user",
      min: "admin",
      run: async () => {
        const n = ++counter;
        return () =>
          actions.users.createUserAction({
            name: `New ${n}`,
            email: `new-${driver}-${n}@fixed.test`,
            role: "technician",
            password: "a-long-enough-password",
          });
      },
    },
    {
      name: "change role",
      min: "admin",
      run: async () => {
        const id = await otherUser();
        return () => actions.users.changeRoleAction({ userId: id, role: "manager" });
      },
    },
    {
      name: "reset password",
      min: "admin",
      run: async () => {
        const id = await otherUser();
        return () => actions.users.resetPasswordAction({ userId: id, password: "another-long-password" });
      },
    },
    {
      name: "deactivate user",
      min: "admin",
      run: async () => {
        const id = await otherUser();
        return () => actions.users.deactivateUserAction({ userId: id });
      },
    },
    {
      name: "reactivate user",
      min: "admin",
      run: async () => {
        const id = await otherUser();
        await deactivateUser(t.db, id);
        return () => actions.users.reactivateUserAction({ userId: id });
      },
    },
  ];

  for (const c of cases) {
    it(`${c.name}: allowed from ${c.min} up, refused below with nothing changed`, async () => {
      for (const caller of CALLERS) {
        const invoke = await c.run();
        const who = caller === null ? null : users[caller];
        if (isAllowed(caller, c.min)) {
          const result = await asUser(who, () => call(invoke));
          expect(result, `${c.name} as ${caller}: ${JSON.stringify(result)}`).toMatchObject({ ok: true });
        } else {
          const before = await digest();
          const result = await asUser(who, () => call(invoke));
          expect(result).toEqual({
            ok: false,
            message:
              caller === null
                ? "You are signed out. Sign in again."
                : `Your role (${caller}) may not do this.`,
          });
          expect(await digest(), `${c.name} as ${caller ?? "signed out"} changed the database`).toBe(before);
        }
      }
    });
  }

  it("records the signed-in user as the actor of a change", async () => {
    const item = await workItem();
    await asUser(users.technician, () =>
      actions.workItem.updateWorkItemAction({ id: item.row.id, revision: 1, title: "Hinge replaced" }),
    );
    const result = await t.db.execute(
      sql`select actor_id, actor_name from change_events where work_item_id = ${item.row.id} and event_type = 'workitem_updated'`,
    );
    expect(rowsOf<{ actor_id: string; actor_name: string }>(result)).toEqual([
      { actor_id: users.technician.id, actor_name: users.technician.name },
    ]);
    expect((await getWorkItem(t.db, item.row.id))?.revision).toBe(2);
  });
});
