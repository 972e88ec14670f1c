import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createIntegrationAction } from "@/app/(app)/integrations/actions";
import { createWorkItemAction } from "@/app/(app)/work-items/actions";
import { POST as createWorkItemRoute } from "@/app/api/v1/work-items/route";
import { setDbHandle } from "@/db/client";
import { DEMO_PASSWORD, seedDemoUsers } from "@/server/auth/seed-users";
import { createAuth } from "@/server/auth/server";
import { asUser } from "../support/auth";
import { createTestDb, DRIVERS, type TestDb } from "../support/db";
import { captureLogsDuring } from "../support/logs";

// revalidatePath needs a Next request; here it has nothing to revalidate.
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

const HEADER_VALUE = "hv-do-not-log-4f1c9e";
const CUSTOMER_EMAIL = "ana.private@example.com";
const CUSTOMER_PHONE = "+44 20 7946 0123";

/** Every logged error line, parsed. */
function errorLines(lines: string[]) {
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => Number(l.level) >= 50);
}

describe.each(DRIVERS)("no secret or customer data in the error log on %s", (driver) => {
  let t: TestDb;

  beforeAll(async () => {
    t = await createTestDb(driver);
    setDbHandle(t);
  });
  afterAll(async () => {
    setDbHandle(undefined);
    await t?.close();
  });
  beforeEach(async () => {
    await t.reset();
  });

  it("logs a failed concurrent create of the same integration name without its secret or header value", async () => {
    // Both creates pass the "name taken?" check before either inserts, so one insert hits the unique
    // index and its DrizzleQueryError (secret and header value among the bound values) is logged.
    const { lines } = await captureLogsDuring(async () => {
      for (let round = 0; round < 10; round++) {
        const input = {
          name: `Twin hook ${round}`,
          url: "https://hooks.example.test/in",
          eventTypes: ["workitem_updated"],
          headerName: "X-Api-Key",
          headerValue: HEADER_VALUE,
        };
        const results = await asUser("admin", () =>
          Promise.all([createIntegrationAction(input), createIntegrationAction(input)]),
        );
        if (results.some((r) => !r.ok && r.message.startsWith("Something went wrong"))) return;
      }
    });
    const errors = errorLines(lines);
    expect(errors.map((e) => e.msg)).toContain("Server action failed");
    const logged = lines.join("\n");
    expect(logged).toMatch(/integrations_name|duplicate key|unique/i); // the error itself is there
    expect(logged).not.toContain("whsec_");
    expect(logged).not.toContain(HEADER_VALUE);
    expect(logged).toContain("params: [not logged]");
  });

  const customerInput = {
    title: "Cracked screen",
    customerName: "Ana Private",
    customerEmail: CUSTOMER_EMAIL,
    customerPhone: CUSTOMER_PHONE,
    device: "Pixel 8",
  };

  /** Makes the insert of a work item fail in the database (a check constraint), whatever the driver. */
  async function withFailingInsert<T>(fn: () => Promise<T>): Promise<T> {
    await t.db.execute(
      sql`alter table work_items add constraint log_probe check (title <> 'Cracked screen')`,
    );
    try {
      return await fn();
    } finally {
      await t.db.execute(sql`alter table work_items drop constraint log_probe`);
    }
  }

  it("logs a work item save that fails in the database without the customer's e-mail or phone (server action)", async () => {
    const { result, lines } = await withFailingInsert(() =>
      captureLogsDuring(() => asUser("technician", () => createWorkItemAction(customerInput))),
    );
    expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/Something went wrong/) });
    expect(errorLines(lines).map((e) => e.msg)).toEqual(["Server action failed"]);
    const logged = lines.join("\n");
    expect(logged).toMatch(/log_probe|check constraint/i); // the error itself is there
    expect(logged).not.toContain(CUSTOMER_EMAIL);
    expect(logged).not.toContain(CUSTOMER_PHONE);
  });

  it("logs a work item save that fails in the database without the customer's e-mail or phone (JSON API)", async () => {
    const { result, lines } = await withFailingInsert(() =>
      captureLogsDuring(() =>
        asUser("technician", () =>
          createWorkItemRoute(
            new Request("http://localhost/api/v1/work-items", {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify(customerInput),
            }),
          ),
        ),
      ),
    );
    expect(result.status).toBe(500);
    expect(errorLines(lines).map((e) => e.msg)).toEqual(["JSON API request failed"]);
    const logged = lines.join("\n");
    expect(logged).toMatch(/log_probe|check constraint/i);
    expect(logged).not.toContain(CUSTOMER_EMAIL);
    expect(logged).not.toContain(CUSTOMER_PHONE);
  });

  it("refuses a NUL in a work item field with a 422 before the database, logging nothing", async () => {
    const { result, lines } = await captureLogsDuring(() =>
      asUser("technician", () =>
        createWorkItemRoute(
          new Request("http://localhost/api/v1/work-items", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ ...customerInput, title: "Cracked screen\u0000" }),
          }),
        ),
      ),
    );
    expect(result.status).toBe(422);
    expect(errorLines(lines)).toEqual([]);
  });

  it("logs better-auth's own query errors without the session token they were bound to", async () => {
    await seedDemoUsers(t.db);
    const auth = createAuth(t.db, {
      secret: "s".repeat(32),
      baseURL: "http://localhost:3000",
      signInRateLimit: 5,
    });
    const signedIn = await auth.api.signInEmail({
      body: { email: "tech@fixed.test", password: DEMO_PASSWORD },
      returnHeaders: true,
    });
    const token = signedIn.response.token;
    const cookie = (signedIn.headers.get("set-cookie") ?? "").split(";")[0];
    await t.db.execute(sql`alter table sessions rename to sessions_away`);
    try {
      const { lines } = await captureLogsDuring(() =>
        auth.api.getSession({ headers: new Headers({ cookie }) }).then(
          () => null,
          (e: unknown) => e,
        ),
      );
      expect(errorLines(lines).map((e) => e.component)).toContain("better-auth");
      expect(lines.join("\n")).toMatch(/sessions/);
      expect(lines.join("\n")).not.toContain(token);
    } finally {
      await t.db.execute(sql`alter table sessions_away rename to sessions`);
    }
  });
});
