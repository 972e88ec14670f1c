import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BODY_LIMITS } from "@/app/api/http";
import { setDbHandle } from "@/db/client";
import { workItems as workItemsTable } from "@/db/schema";
import { asUser } from "../support/auth";
import { createTestDb, DRIVERS, type TestDb } from "../support/db";

const MB = 1024 * 1024;
const CHUNK = 64 * 1024;

/** A body of `total` bytes produced on demand; `pulled()` says how much of it anyone read. */
function countingBody(total: number) {
  let produced = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (produced >= total) return controller.close();
      const size = Math.min(CHUNK, total - produced);
      produced += size;
      controller.enqueue(new Uint8Array(size).fill(0x20));
    },
  });
  return { stream, pulled: () => produced };
}

function post(url: string, body: BodyInit, headers: Record<string, string> = {}) {
  return new Request(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
    duplex: "half",
  } as RequestInit);
}

describe.each(DRIVERS)("request bodies on %s", (driver) => {
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

  const workItems = async () => {
    const [{ n }] = await t.db.select({ n: sql<number>`count(*)::int` }).from(workItemsTable);
    return n;
  };

  it.each([
    [
      "JSON API",
      BODY_LIMITS.api,
      async (req: Request) => (await import("@/app/api/v1/work-items/route")).POST(req),
      "/api/v1/work-items",
    ],
    [
      "sign-in",
      BODY_LIMITS.auth,
      async (req: Request) => (await import("@/app/api/auth/[...all]/route")).POST(req),
      "/api/auth/sign-in/email",
    ],
    [
      "Inngest handler",
      BODY_LIMITS.inngest,
      async (req: Request) => (await import("@/app/api/inngest/route")).POST(req as never, undefined),
      "/api/inngest",
    ],
  ] as const)(
    "%s: a 20 MB streamed body is answered 413 without reading past the limit",
    async (_name, limit, call, path) => {
      const body = countingBody(20 * MB);
      const response = await asUser("technician", () => call(post(`http://app.test${path}`, body.stream)));
      expect(response.status).toBe(413);
      expect(await response.json()).toEqual({ error: expect.stringContaining("larger than") });
      // The streams between the source and the handler read ahead by a chunk or two, never more.
      expect(body.pulled()).toBeLessThanOrEqual(limit + 4 * CHUNK);
    },
  );

  it("a declared Content-Length over the limit is refused before a byte is read", async () => {
    const { POST } = await import("@/app/api/auth/[...all]/route");
    const body = countingBody(20 * MB);
    const response = await POST(
      post("http://app.test/api/auth/sign-in/email", body.stream, { "content-length": String(20 * MB) }),
    );
    expect(response.status).toBe(413);
    expect(body.pulled()).toBeLessThanOrEqual(4 * CHUNK);
  });

  it("a body within the limit still reaches better-auth (wrong password → 401, not 413)", async () => {
    const { POST } = await import("@/app/api/auth/[...all]/route");
    const response = await POST(
      post(
        "http://app.test/api/auth/sign-in/email",
        JSON.stringify({ email: "nobody@fixed.test", password: "wrong-password" }),
        { origin: "http://localhost:3000" },
      ),
    );
    expect(response.status).toBe(401);
  });

  it.each([
    ["title", { title: "Cracked\u0000screen" }],
    ["customerName", { customerName: "Ada\u0007" }],
    ["device", { device: "Pixel\u001b[31m" }],
    ["serialNumber", { serialNumber: "SN\u0000" }],
    ["description", { description: "line one\u0000" }],
    ["title", { title: "lone \ud800 surrogate" }],
  ])(
    "JSON API: a control character in %s is a 422 with the field named, never a 500",
    async (field, change) => {
      const { POST } = await import("@/app/api/v1/work-items/route");
      const before = await workItems();
      const response = await asUser("technician", () =>
        POST(
          post(
            "http://app.test/api/v1/work-items",
            JSON.stringify({ title: "T", customerName: "C", device: "D", ...change }),
          ),
        ),
      );
      expect(response.status).toBe(422);
      const body = (await response.json()) as { fieldErrors: Record<string, string[]> };
      expect(body.fieldErrors[field]).toEqual([expect.stringMatching(/control characters|surrogate/)]);
      expect(await workItems()).toEqual(before);
    },
  );

  it("JSON API: a description keeps its line breaks and tabs", async () => {
    const { POST } = await import("@/app/api/v1/work-items/route");
    const response = await asUser("technician", () =>
      POST(
        post(
          "http://app.test/api/v1/work-items",
          JSON.stringify({ title: "T", customerName: "C", device: "D", description: "one\n\ttwo\r\nthree" }),
        ),
      ),
    );
    expect(response.status).toBe(201);
    expect(((await response.json()) as { workItem: { description: string } }).workItem.description).toBe(
      "one\n\ttwo\r\nthree",
    );
  });
});
