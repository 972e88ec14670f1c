import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changeEvents, integrations, workItems } from "@/db/schema";
import { asUser } from "../support/auth";
import { DRIVERS } from "../support/db";
import { type Pipeline, startPipeline } from "../support/pipeline";
import { startReceiver, type TestReceiver } from "../support/receiver";

const EDITORS = 50;

type RouteModule = typeof import("@/app/api/v1/work-items/[id]/route");
type CreateModule = typeof import("@/app/api/v1/work-items/route");

function jsonRequest(method: string, body: unknown): Request {
  return new Request("http://app.test/api/v1/work-items", {
    method,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

// Row locks and real concurrent transactions: PostgreSQL only (PGlite runs one query at a time).
describe.skipIf(!DRIVERS.includes("postgres"))(
  "50 concurrent editors on one work item (PostgreSQL, JSON API)",
  () => {
    let p: Pipeline;
    let receiver: TestReceiver;
    let item: RouteModule;
    let create: CreateModule;

    beforeAll(async () => {
      p = await startPipeline("postgres");
      receiver = await startReceiver();
      item = await import("@/app/api/v1/work-items/[id]/route");
      create = await import("@/app/api/v1/work-items/route");
    });
    afterAll(async () => {
      await p?.close();
      await receiver?.close();
    });

    it("revisions strictly increase, no update is lost, every successful save is delivered", async () => {
      await p.db.db.insert(integrations).values({
        name: "concurrency-receiver",
        url: receiver.urlFor("/hooks/concurrency"),
        eventTypes: ["workitem_created", "workitem_updated"],
        secret: "whsec_Y29uY3VycmVuY3ktdGVzdC1zZWNyZXQtMDEyMzQ1Njc4OWFi",
      });
      const { id, revision: first } = await asUser("technician", async () => {
        const res = await create.POST(
          jsonRequest("POST", { title: "Shared", customerName: "Many Hands", device: "Tablet" }),
        );
        expect(res.status).toBe(201);
        return ((await res.json()) as { workItem: { id: number; revision: number } }).workItem;
      });
      const context = { params: Promise.resolve({ id: String(id) }) };

      const outcomes = await asUser("technician", () =>
        Promise.all(
          Array.from({ length: EDITORS }, async (_, editor) => {
            let revision = first;
            let conflicts = 0;
            for (let attempt = 0; attempt < 500; attempt++) {
              const res = await item.PATCH(
                jsonRequest("PATCH", { revision, description: `editor ${editor}` }),
                context,
              );
              const body = (await res.json()) as {
                workItem?: { revision: number };
                events?: { id: string }[];
                currentRevision?: number;
                error?: string;
              };
              if (res.status === 200)
                return { editor, revision: body.workItem!.revision, events: body.events!, conflicts };
              expect(res.status).toBe(409);
              expect(body.error).toMatch(/Someone else saved this work item first/);
              expect(body.currentRevision).toBeGreaterThan(revision);
              revision = body.currentRevision!;
              conflicts++;
            }
            throw new Error(`editor ${editor} never got a save in`);
          }),
        ),
      );

      // Each save got its own revision, 2 … 51, none skipped and none shared.
      const revisions = outcomes.map((o) => o.revision).sort((a, b) => a - b);
      expect(revisions).toEqual(Array.from({ length: EDITORS }, (_, i) => first + 1 + i));
      const [row] = await p.db.db.select().from(workItems).where(eq(workItems.id, id));
      expect(row.revision).toBe(first + EDITORS);
      expect(outcomes.reduce((n, o) => n + o.conflicts, 0)).toBeGreaterThan(0);

      // No lost update: each save's diff starts from what the previous save wrote.
      const events = await p.db.db
        .select()
        .from(changeEvents)
        .where(eq(changeEvents.workItemId, id))
        .orderBy(asc(changeEvents.revision));
      const updates = events.filter((e) => e.eventType === "workitem_updated");
      expect(updates.map((e) => e.revision)).toEqual(revisions);
      for (let i = 1; i < updates.length; i++) {
        expect(updates[i].changes.description?.from).toBe(updates[i - 1].changes.description?.to);
      }
      const byRevision = new Map(outcomes.map((o) => [o.revision, o]));
      for (const update of updates) {
        expect(update.changes.description?.to).toBe(`editor ${byRevision.get(update.revision)!.editor}`);
        expect(byRevision.get(update.revision)!.events.map((e) => e.id)).toEqual([update.id]);
        expect(update.dispatchedAt).not.toBeNull();
      }

      // Every successful save (and the creation) reaches the receiver once, in revision order.
      const requests = await receiver.waitForRequests(EDITORS + 1, { timeoutMs: 30_000 });
      const delivered = requests.map((r) => (r.json as { revision: number }).revision);
      expect(delivered).toEqual([first, ...revisions]);
    });
  },
);
