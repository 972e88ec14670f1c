import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { z } from "zod";
import { rowsOf } from "@/db/client";
import { integrationSyncs } from "@/db/schema";
import { type EngineServer, startEngine } from "../../engine/server";
import { asUser } from "../support/auth";
import { DRIVERS } from "../support/db";
import { type Pipeline, startPipeline } from "../support/pipeline";

type ActionFn = (input: unknown) => Promise<{ ok: boolean; message?: string }>;

/**
 * Every server action goes through defineAction: wrapped here (behaviour unchanged) so the test knows
 * each action's own zod schema, even where the schema is not exported, and can fuzz it with inputs
 * that schema refuses.
 */
const { ACTION_SCHEMAS } = vi.hoisted(() => ({ ACTION_SCHEMAS: new Map<unknown, z.ZodType>() }));
vi.mock("@/server/auth/guard", async (importOriginal) => {
  const guard = await importOriginal<typeof import("@/server/auth/guard")>();
  const defineAction: typeof guard.defineAction = (options, handler) => {
    const action = guard.defineAction(options, handler);
    ACTION_SCHEMAS.set(action, options.schema);
    return action;
  };
  return { ...guard, defineAction };
});

const APP_DIR = path.resolve(import.meta.dirname, "../../app");

/** Every exported function of every app/**\/actions.ts, as "route/actions.ts#name". */
async function discoverServerActions(): Promise<Map<string, unknown>> {
  const found = new Map<string, unknown>();
  const files = (fs.readdirSync(APP_DIR, { recursive: true }) as string[])
    .filter((f) => path.basename(f) === "actions.ts")
    .sort();
  for (const file of files) {
    const mod = (await import(path.join(APP_DIR, file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod))
      if (typeof value === "function") found.set(`${file.split(path.sep).join("/")}#${name}`, value);
  }
  return found;
}

/** The actions the tests below fed bad input to. */
const fuzzed = new Set<unknown>();

const SEED = Number(process.env.FUZZ_SEED ?? 7_919);
const CASES = Number(process.env.FUZZ_CASES ?? 60);

/** mulberry32: the same seed gives the same inputs on every run (print FUZZ_SEED to replay one). */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NASTY: unknown[] = [
  null,
  undefined,
  true,
  false,
  0,
  -1,
  1.5,
  -0,
  1e308,
  -1e308,
  2 ** 31,
  Number.MAX_SAFE_INTEGER + 2,
  "",
  " ",
  "\u0000",
  "x".repeat(20_000),
  "RMA-000001",
  "' or 1=1; drop table work_items; --",
  "<script>alert(1)</script>",
  "NaN",
  "-5",
  "1e9",
  "12.345",
  "ünïcødé 🚀",
  "\ud800",
  [],
  [1, 2, 3],
  {},
  { $gt: "" },
  { __proto__: { admin: true } },
  JSON.parse('{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}'),
  [[[[[[[[[[[]]]]]]]]]]],
];

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)];
}

/** A valid input with 1–3 fields replaced by nasty values, or an entirely nasty input. */
function mutate(rand: () => number, base: Record<string, unknown>): unknown {
  if (rand() < 0.15) return pick(rand, NASTY);
  const out: Record<string, unknown> = { ...base };
  const keys = [...Object.keys(base), "extra", "__proto__"];
  const n = 1 + Math.floor(rand() * 3);
  for (let i = 0; i < n; i++) {
    const key = pick(rand, keys);
    if (rand() < 0.2) delete out[key];
    else out[key] = pick(rand, NASTY);
  }
  return out;
}

function invalidInputs(
  schema: z.ZodType,
  base: Record<string, unknown>,
  seed: number,
  count = CASES,
): unknown[] {
  const rand = prng(seed);
  const inputs: unknown[] = [];
  for (let i = 0; inputs.length < count && i < count * 20; i++) {
    const input = mutate(rand, base);
    if (!schema.safeParse(input).success) inputs.push(input);
  }
  return inputs;
}

/** Calls `action` as an admin with each input and expects every one refused with a message; returns how many. */
async function expectAllRefused(name: string, action: ActionFn, inputs: unknown[]): Promise<number> {
  for (const input of inputs) {
    const result = await asUser("admin", () => action(input));
    expect(result.ok, `${name} accepted ${JSON.stringify(input)?.slice(0, 200)}`).toBe(false);
    expect(result.message, name).toEqual(expect.any(String));
    expect(result.message!.length).toBeGreaterThan(0);
  }
  return inputs.length;
}

const TABLES = [
  "work_items",
  "tasks",
  "change_events",
  "integrations",
  "integration_syncs",
  "sync_attempts",
  "notices",
  // Not audit_log: junk that passes validation but names nothing (a user id that does not exist) is a
  // refused act, and the audit log records refused acts on purpose.
  "users",
  "accounts",
  "sessions",
];

describe.each(DRIVERS.slice(0, 1))("bad input never writes and never brings anything down (%s)", (driver) => {
  let p: Pipeline;

  beforeAll(async () => {
    p = await startPipeline(driver);
  });
  afterAll(async () => {
    await p?.close();
  });

  /** Rows per table and a digest of their contents: an update is a write too. */
  async function counts(): Promise<Record<string, { n: number; digest: string }>> {
    const out: Record<string, { n: number; digest: string }> = {};
    for (const table of TABLES) {
      const result = await p.db.db.execute(
        sql.raw(
          `select count(*)::int as n, md5(coalesce(string_agg(t::text, ',' order by t::text), '')) as digest from ${table} t`,
        ),
      );
      const [row] = rowsOf<{ n: number; digest: string }>(result);
      out[table] = { n: Number(row.n), digest: row.digest };
    }
    return out;
  }

  async function seedItem() {
    const { createWorkItem } = await import("@/server/work-items/work-items");
    const { createTask } = await import("@/server/work-items/tasks");
    const created = await createWorkItem(
      p.db.db,
      {
        title: "Fuzz target",
        description: "",
        customerName: "Fuzz",
        customerEmail: null,
        customerPhone: null,
        device: "Phone",
        serialNumber: null,
        status: "new",
        priority: "normal",
        priceCents: null,
        technicianId: null,
      },
      null,
    );
    if (!created.ok) throw new Error("seed failed");
    const task = await createTask(p.db.db, created.row.id, "Fuzz task", null);
    if (!task.ok) throw new Error("seed failed");
    return { item: created.row, task: task.row, events: created.events };
  }

  it("server actions: every schema-invalid input gets ok:false with a reason and writes nothing", async () => {
    const v = await import("@/server/work-items/validation");
    const list = await import("@/app/(app)/work-items/actions");
    const detail = await import("@/app/(app)/work-items/[id]/actions");
    const { item, task } = await seedItem();
    const cases: [string, ActionFn, unknown[]][] = [
      [
        "createWorkItem",
        list.createWorkItemAction,
        invalidInputs(
          v.workItemCreateSchema,
          { title: "T", customerName: "C", device: "D", price: "10.00" },
          SEED + 1,
        ),
      ],
      [
        "updateWorkItem",
        detail.updateWorkItemAction,
        invalidInputs(
          v.workItemUpdateActionSchema,
          { id: item.id, revision: item.revision, title: "New", status: "in_progress", price: "5" },
          SEED + 2,
        ),
      ],
      [
        "createTask",
        detail.createTaskAction,
        invalidInputs(v.taskCreateSchema, { workItemId: item.id, title: "Task" }, SEED + 3),
      ],
      [
        "updateTask",
        detail.updateTaskAction,
        invalidInputs(
          v.taskUpdateActionSchema,
          { taskId: task.id, workItemId: item.id, revision: task.revision, title: "T2", done: "on" },
          SEED + 4,
        ),
      ],
    ];
    const before = await counts();
    let total = 0;
    for (const [name, action, inputs] of cases) {
      fuzzed.add(action);
      expect(inputs.length, name).toBeGreaterThan(CASES / 2);
      total += await expectAllRefused(name, action, inputs);
    }
    expect(await counts()).toEqual(before);
    expect(total).toBeGreaterThan(100);
  });

  it("admin user actions: junk input gets ok:false with a reason and writes nothing", async () => {
    const admin = await import("@/app/(app)/admin/users/actions");
    const rand = prng(SEED + 5);
    const before = await counts();
    const actions = [
      [admin.createUserAction, { name: "N", email: "not-an-email", role: "technician", password: "short" }],
      [admin.changeRoleAction, { userId: "no-such-user", role: "manager" }],
      [admin.resetPasswordAction, { userId: "no-such-user", password: "long-enough-password" }],
      [admin.deactivateUserAction, { userId: "no-such-user" }],
      [admin.reactivateUserAction, { userId: "no-such-user" }],
    ] as const;
    for (const [action, base] of actions) {
      fuzzed.add(action);
      for (let i = 0; i < CASES / 2; i++) {
        const input = mutate(rand, base);
        // createUser's base is invalid twice over (e-mail, password); keep one of them broken.
        if (action === admin.createUserAction && input && typeof input === "object")
          (input as Record<string, unknown>).password = "short";
        const result = await asUser("admin", () =>
          (action as (x: unknown) => Promise<{ ok: boolean; message?: string }>)(input),
        );
        expect(result.ok).toBe(false);
        expect(result.message).toEqual(expect.any(String));
      }
    }
    expect(await counts()).toEqual(before);
  });

  it("integration and sync actions: every schema-invalid input gets ok:false with a reason and writes nothing", async () => {
    const integrationsActions = await import("@/app/(app)/integrations/actions");
    const syncsActions = await import("@/app/(app)/syncs/actions");
    const shellActions = await import("@/app/(app)/actions");
    const { createIntegration } = await import("@/server/integrations/operations");
    const { pauseAutomatically } = await import("@/server/notifications/notices");
    const { events } = await seedItem();
    const url = "http://127.0.0.1:9/fuzz-hook";
    const created = await createIntegration(
      { name: "Fuzz hook", url, eventTypes: ["workitem_created"], headerName: null, headerValue: null },
      p.db.db,
    );
    if (!created.ok) throw new Error(created.message);
    const id = created.data.integration.id;
    const notice = await pauseAutomatically(p.db.db, id, "Paused automatically: fuzz");
    if (!notice.paused) throw new Error("fixture notice not written");
    const [sync] = await p.db.db
      .insert(integrationSyncs)
      .values({
        integrationId: id,
        subjectType: "workitem",
        subjectId: events[0].workItemId,
        workItemId: events[0].workItemId,
        changeEventId: events[0].id,
        eventType: "workitem_created",
        revision: 1,
        webhookId: `msg_${events[0].id}_${id}`,
        payload: {},
      })
      .returning();
    const cases: [string, ActionFn, Record<string, unknown>][] = [
      [
        "createIntegration",
        integrationsActions.createIntegrationAction,
        { name: "Fuzz hook two", url, eventTypes: ["workitem_created", "workitem_updated"] },
      ],
      [
        "updateIntegration",
        integrationsActions.updateIntegrationAction,
        { id, name: "Fuzz hook", url, eventTypes: "workitem_updated", headerName: "X-Key", headerValue: "v" },
      ],
      ["pauseIntegration", integrationsActions.pauseIntegrationAction, { id, reason: "maintenance" }],
      ["resumeIntegration", integrationsActions.resumeIntegrationAction, { id }],
      ["rotateSecret", integrationsActions.rotateSecretAction, { id }],
      ["sendTestEvent", integrationsActions.sendTestEventAction, { id }],
      ["resendSync", syncsActions.resendSyncAction, { syncId: sync.id }],
      ["acknowledgeNotice", shellActions.acknowledgeNoticeAction, { id: notice.noticeId }],
      ["setTimeZone", shellActions.setTimeZoneAction, { zone: "Europe/Berlin" }],
      [
        "recoverFailed",
        syncsActions.recoverFailedAction,
        { integrationId: id, since: "2020-01-01T00:00:00.000Z" },
      ],
      [
        "previewRecovery",
        syncsActions.previewRecoveryAction,
        { integrationId: "all", since: "2020-01-01T01:00:00+01:00" },
      ],
    ];
    const before = await counts();
    let total = 0;
    for (const [index, [name, action, base]] of cases.entries()) {
      fuzzed.add(action);
      const schema = ACTION_SCHEMAS.get(action);
      if (!schema) throw new Error(`${name}: no schema recorded (not made with defineAction?)`);
      // The base is valid, so the inputs are near misses of a real call.
      expect(schema.safeParse(base).success, `${name} base`).toBe(true);
      const inputs = invalidInputs(schema, base, SEED + 20 + index);
      expect(inputs.length, name).toBeGreaterThan(CASES / 2);
      total += await expectAllRefused(name, action, inputs);
    }
    expect(await counts()).toEqual(before);
    expect(total).toBeGreaterThan(cases.length * (CASES / 2));
  });

  // Runs after the tests above (a file's tests run in order): it checks what they fed bad input to.
  it("covers every server action in app/**/actions.ts", async () => {
    const actions = await discoverServerActions();
    expect(actions.size).toBeGreaterThanOrEqual(17);
    const missing = [...actions].filter(([, action]) => !fuzzed.has(action)).map(([name]) => name);
    expect(missing).toEqual([]);
  });

  it("JSON API: junk bodies get 4xx with a reason, signed-out calls 401, nothing written", async () => {
    const create = await import("@/app/api/v1/work-items/route");
    const detail = await import("@/app/api/v1/work-items/[id]/route");
    const v = await import("@/server/work-items/validation");
    const { item } = await seedItem();
    const before = await counts();
    const rand = prng(SEED + 6);
    const request = (method: string, body: string, contentType = "application/json") =>
      new Request("http://app.test/api/v1/work-items", {
        method,
        headers: { "content-type": contentType },
        body,
      });
    const context = (id: string) => ({ params: Promise.resolve({ id }) });
    const expectReason = async (res: Response, label: string) => {
      expect(res.status, label).toBeGreaterThanOrEqual(400);
      expect(res.status, label).toBeLessThan(500);
      const body = (await res.json()) as { error?: unknown };
      expect(typeof body.error, label).toBe("string");
      return res.status;
    };
    const statuses = new Map<number, number>();
    const count = (s: number) => statuses.set(s, (statuses.get(s) ?? 0) + 1);

    await asUser("technician", async () => {
      const raw = ["", "{", "nope", "[]", "null", "42", '"text"', '{"a":', "\u0000", "{}".repeat(1000)];
      for (const body of raw) {
        count(await expectReason(await create.POST(request("POST", body)), `POST ${body.slice(0, 20)}`));
        count(
          await expectReason(
            await detail.PATCH(request("PATCH", body), context(String(item.id))),
            `PATCH ${body.slice(0, 20)}`,
          ),
        );
      }
      count(
        await expectReason(
          await create.POST(request("POST", "title=x", "application/x-www-form-urlencoded")),
          "form body",
        ),
      );
      for (const input of invalidInputs(
        v.workItemCreateSchema,
        { title: "T", customerName: "C", device: "D" },
        SEED + 7,
      )) {
        count(
          await expectReason(
            await create.POST(request("POST", JSON.stringify(input) ?? "null")),
            "POST fuzz",
          ),
        );
      }
      for (const input of invalidInputs(
        v.workItemUpdateSchema,
        { revision: item.revision, title: "X" },
        SEED + 8,
      )) {
        count(
          await expectReason(
            await detail.PATCH(request("PATCH", JSON.stringify(input) ?? "null"), context(String(item.id))),
            "PATCH fuzz",
          ),
        );
      }
      for (const id of ["0", "-1", "abc", "1e3", "99999999999", "%00", String(item.id + 1000)]) {
        count(
          await expectReason(
            await detail.PATCH(request("PATCH", JSON.stringify({ revision: 1, title: "x" })), context(id)),
            `id ${id}`,
          ),
        );
      }
      // A stale revision is refused with the current one, and changes nothing.
      const stale = await detail.PATCH(
        request("PATCH", JSON.stringify({ revision: item.revision + 7, title: "x" })),
        context(String(item.id)),
      );
      expect(stale.status).toBe(409);
      expect(await stale.json()).toMatchObject({ currentRevision: item.revision });
      // Field errors name the field.
      const invalid = await create.POST(
        request("POST", JSON.stringify({ title: "", customerName: "C", device: "D", customerEmail: "nope" })),
      );
      expect(invalid.status).toBe(422);
      expect(((await invalid.json()) as { fieldErrors: Record<string, string[]> }).fieldErrors).toMatchObject(
        {
          title: [expect.any(String)],
          customerEmail: [expect.any(String)],
        },
      );
      void rand;
    });
    await asUser(null, async () => {
      expect(
        (await create.POST(request("POST", JSON.stringify({ title: "T", customerName: "C", device: "D" }))))
          .status,
      ).toBe(401);
      expect(
        (
          await detail.PATCH(
            request("PATCH", JSON.stringify({ revision: 1, title: "x" })),
            context(String(item.id)),
          )
        ).status,
      ).toBe(401);
    });
    expect(await counts()).toEqual(before);
    expect(statuses.has(422) && statuses.has(400) && statuses.has(404) && statuses.has(415)).toBe(true);
  });

  // Junk that is JSON: the SDK answers 401/500 (never a 2xx, never runs a step) and stays up.
  // Not JSON at all ("{", ""): under Next the route answers 500; the bare `inngest/node` adapter used
  // here leaves the request hanging with an unhandled rejection, so those bodies are left out.
  it("/api/inngest: junk requests are refused, nothing runs or is written, the handler stays up", async () => {
    const before = await counts();
    const rand = prng(SEED + 9);
    const statuses: number[] = [];
    const bodies = ["null", "[]", "{}", '{"event":{},"steps":"x"}', JSON.stringify({ ctx: { run_id: 1 } })];
    for (let i = 0; i < 30; i++) {
      const fnId = pick(rand, [
        "",
        "fixed-service-deliver-webhook",
        "nope",
        "%00",
        "../../etc",
        "x".repeat(500),
      ]);
      const stepId = pick(rand, ["step", "", "post-webhook", "\u0000"]);
      const body = rand() < 0.6 ? pick(rand, bodies) : (JSON.stringify(pick(rand, NASTY)) ?? "null");
      const res = await fetch(
        `${p.appUrl}?fnId=${encodeURIComponent(fnId)}&stepId=${encodeURIComponent(stepId)}`,
        {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
          signal: AbortSignal.timeout(10_000),
        },
      );
      await res.arrayBuffer();
      statuses.push(res.status);
      expect(res.status, `${fnId} ${body.slice(0, 40)}`).toBeGreaterThanOrEqual(400);
    }
    const health = await fetch(p.appUrl);
    expect(health.status).toBe(200);
    expect(await counts()).toEqual(before);
    console.info(
      "[fuzz] /api/inngest answers",
      Object.fromEntries(statuses.map((s) => [s, statuses.filter((x) => x === s).length])),
    );
  });
});

describe("engine event API: malformed events are refused with a reason and nothing is stored", () => {
  let engine: EngineServer;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fuzz-engine-"));
    engine = await startEngine({ port: 0, dataDir, retryIntervalMs: 100, logger: pino({ level: "silent" }) });
  });
  afterAll(async () => {
    await engine?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers 400 { error } to junk and writes nothing to its journal", async () => {
    const journal = path.join(dataDir, "journal.jsonl");
    const size = () => (fs.existsSync(journal) ? fs.statSync(journal).size : 0);
    const rand = prng(SEED + 10);
    // Never a well-formed event: each must be refused.
    const malformed: string[] = [
      "",
      "{",
      "null",
      "42",
      '"event"',
      "[null]",
      "[1,2]",
      '{"data":{}}',
      '{"name":""}',
      '{"name":42}',
      '{"name":"a","data":"not-an-object"}',
      '{"name":"a","ts":"yesterday"}',
      '{"name":"a","id":{}}',
      '[{"name":"ok/event"},{"name":null}]',
    ];
    // Random: a nasty value can still make a valid event (a string name), which may be accepted.
    const random: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const value = pick(rand, NASTY);
      random.push(
        JSON.stringify(rand() < 0.5 ? { name: value, data: pick(rand, NASTY) } : [value]) ?? "undefined",
      );
    }
    let refused = 0;
    for (const body of [...malformed, ...random]) {
      // The engine answers 200 only after its journal is written (fsync'd), so the size is settled.
      const before = size();
      const res = await fetch(`${engine.url}/e/key`, { method: "POST", body });
      const text = await res.text();
      if (res.status === 200 && !malformed.includes(body)) {
        // Only a well-formed event may be accepted.
        const parsed = JSON.parse(body) as unknown;
        const events = Array.isArray(parsed) ? parsed : [parsed];
        for (const e of events)
          expect(typeof (e as { name?: unknown }).name, body.slice(0, 80)).toBe("string");
        continue;
      }
      expect(res.status, body.slice(0, 80)).toBe(400);
      expect(JSON.parse(text), body.slice(0, 80)).toMatchObject({ error: expect.any(String) });
      expect(size(), `journal after ${body.slice(0, 80)}`).toBe(before);
      refused++;
    }
    expect(refused).toBeGreaterThan(malformed.length + CASES / 4);
    expect((await fetch(`${engine.url}/health`)).status).toBe(200);
    // A body over 10 MiB is refused too.
    const big = await fetch(`${engine.url}/e/key`, {
      method: "POST",
      body: `[${'"x",'.repeat(3_000_000)}"x"]`,
    }).catch((error: Error) => ({ status: 413, error }));
    expect([400, 413]).toContain(big.status);
    expect((await fetch(`${engine.url}/health`)).status).toBe(200);
  });
});
