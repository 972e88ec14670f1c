import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type DbHandle, setDbHandle } from "@/db/client";
import { workItemCreateSchema } from "@/server/work-items/validation";
import { createWorkItem, updateWorkItem } from "@/server/work-items/work-items";
import { asUser } from "../support/auth";
import { untouchableDb } from "../support/broken-db";
import { createTestDb, DRIVERS, type TestDb } from "../support/db";

type RouteModule = {
  GET: (request: Request, context: { params: Promise<{ id: string }> }) => Promise<Response>;
};

const ROUTES = {
  timeline: () => import("@/app/api/work-items/[id]/timeline/route") as Promise<RouteModule>,
  sync: () => import("@/app/api/syncs/[id]/route") as Promise<RouteModule>,
  workItem: () => import("@/app/api/v1/work-items/[id]/route") as Promise<RouteModule>,
  revision: () => import("@/app/api/work-items/[id]/revision/route") as Promise<RouteModule>,
};

async function get(route: keyof typeof ROUTES, id: string, query = "") {
  const { GET } = await ROUTES[route]();
  const response = await GET(new Request(`http://app.test/api/x/${id}${query}`), {
    params: Promise.resolve({ id }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const input = workItemCreateSchema.parse({ title: "Swap battery", customerName: "Ada", device: "Pixel 8" });

/** A database handle whose every use fails the test: the route must answer before any query. */
const unreachableDb = (): DbHandle => ({ driver: "postgres", close: async () => {}, db: untouchableDb() });

describe("route handlers: ids the database cannot hold answer 404 { error } before any query", () => {
  beforeAll(() => setDbHandle(unreachableDb()));
  afterAll(() => setDbHandle(undefined));

  it.each([
    ["timeline", "99999999999"],
    ["timeline", "2147483648"],
    ["timeline", "0"],
    ["timeline", "1e3"],
    ["timeline", "-1"],
    ["sync", "9007199254740992"],
    ["sync", "0"],
    ["sync", "abc"],
    ["workItem", "99999999999"],
    ["revision", "99999999999"],
    ["revision", "abc"],
  ] as const)("%s %s", async (route, id) => {
    const { status, body } = await asUser("technician", () => get(route, id));
    expect(status).toBe(404);
    expect(body).toEqual({ error: expect.any(String) });
  });

  it.each(["timeline", "sync", "workItem", "revision"] as const)(
    "%s signed out → 401 { error }",
    async (route) => {
      const { status, body } = await asUser(null, () => get(route, "1"));
      expect(status).toBe(401);
      expect(body).toEqual({ error: expect.any(String) });
    },
  );
});

describe.each(DRIVERS)("route handlers on %s", (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(driver);
    setDbHandle(t);
  });
  afterAll(async () => {
    setDbHandle(undefined);
    await t?.close();
  });
  beforeEach(async () => t.reset());

  it("the timeline of an out-of-range id is 404 { error } on a real database too", async () => {
    const { status, body } = await asUser("technician", () => get("timeline", "99999999999"));
    expect(status).toBe(404);
    expect(body).toEqual({ error: "This work item does not exist." });
  });

  it("a real cursor pages the timeline; a junk one is 400 { error }", async () => {
    const created = await createWorkItem(t.db, input, null);
    if (!created.ok) throw new Error("create failed");
    const saved = await updateWorkItem(
      t.db,
      created.row.id,
      { revision: 1, title: "Swap the battery" },
      null,
    );
    if (!saved.ok) throw new Error("save failed");
    const id = String(created.row.id);

    const first = await asUser("technician", () => get("timeline", id, "?limit=1"));
    expect(first.status).toBe(200);
    const cursor = first.body.nextCursor as string;
    expect(cursor).toEqual(expect.any(String));
    const older = await asUser("technician", () =>
      get("timeline", id, `?before=${encodeURIComponent(cursor)}`),
    );
    expect(older.status).toBe(200);
    expect((older.body.entries as unknown[]).length).toBe(1);

    const junk = await asUser("technician", () => get("timeline", id, "?before=yesterday"));
    expect(junk.status).toBe(400);
    expect(junk.body).toEqual({ error: expect.any(String) });
  });

  it("an item's revision names who saved it last; an absent item is 404", async () => {
    const created = await createWorkItem(t.db, input, { id: "u-ada", name: "Ada" });
    if (!created.ok) throw new Error("create failed");
    const id = String(created.row.id);
    expect((await asUser("technician", () => get("revision", id))).body).toMatchObject({
      revision: 1,
      updatedBy: { id: "u-ada", name: "Ada" },
    });
    await updateWorkItem(
      t.db,
      created.row.id,
      { revision: 1, title: "Swap the battery" },
      { id: "u-bo", name: "Bo" },
    );
    const after = await asUser("technician", () => get("revision", id));
    expect(after).toMatchObject({
      status: 200,
      body: { revision: 2, updatedBy: { id: "u-bo", name: "Bo" } },
    });
    expect((await asUser("technician", () => get("revision", "424242"))).status).toBe(404);
  });

  it("a sync id past the int4 range is looked up (bigint column) and answers 404 when absent", async () => {
    const { status, body } = await asUser("technician", () => get("sync", "99999999999"));
    expect(status).toBe(404);
    expect(body).toEqual({ error: "This delivery does not exist." });
  });
});
