import { type DemoRole, expect, signIn, test } from "./fixtures";
import { pageAs } from "./session-cache";

type Caller = DemoRole | "signed out";
const RANK: Record<DemoRole, number> = { technician: 1, manager: 2, admin: 3 };

/** Every protected page and the lowest role that may see it (the seed guarantees ids 1 exist). */
const PAGES: { path: string; role: DemoRole; landsOn?: string }[] = [
  { path: "/", role: "technician" },
  { path: "/work-items", role: "technician" },
  { path: "/work-items/new", role: "technician" },
  { path: "/work-items/1", role: "technician" },
  { path: "/demo-receiver", role: "admin" },
  { path: "/syncs/1", role: "technician" },
  { path: "/syncs", role: "manager" },
  { path: "/syncs/objects", role: "manager", landsOn: "/syncs" },
  { path: "/integrations", role: "admin" },
  { path: "/integrations/new", role: "admin" },
  { path: "/integrations/1", role: "admin" },
  { path: "/admin/users", role: "admin" },
  { path: "/admin/audit", role: "admin" },
];

const CALLERS: Caller[] = ["signed out", "technician", "manager", "admin"];

test.describe("every page checks the role on the server", () => {
  for (const caller of CALLERS) {
    test(`as ${caller}`, async ({ browser }) => {
      const context = await browser.newContext();
      const page = await context.newPage();
      if (caller !== "signed out") {
        await signIn(page, caller);
        // Sync 1 comes from the seed's first delivery, which a fresh server may still be making.
        await expect
          .poll(async () => (await page.request.get("/syncs/1")).status(), { timeout: 30_000 })
          .toBe(200);
      }
      for (const { path, role, landsOn = path } of PAGES) {
        const response = await page.goto(path);
        if (caller === "signed out") {
          await expect(page, `${path} signed out`).toHaveURL(/\/sign-in/);
          const next = new URL(page.url()).searchParams.get("next");
          expect(next ?? "/", `${path} signed out`).toBe(path);
        } else if (RANK[caller] < RANK[role]) {
          // Refused in place: a 403 at the page's own address (the check sits above any loading.tsx).
          expect(response?.status(), `${path} as ${caller}`).toBe(403);
          expect(new URL(page.url()).pathname, `${path} as ${caller}`).toBe(path);
          await expect(page.getByRole("heading", { level: 1 })).toHaveText(
            "You don’t have access to this page",
          );
        } else {
          expect(response?.status(), `${path} as ${caller}`).toBe(200);
          await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
          await expect(page.getByRole("heading", { level: 1 })).not.toHaveText(
            "You don’t have access to this page",
          );
          expect(new URL(page.url()).pathname, `${path} as ${caller}`).toBe(landsOn);
        }
      }
      await context.close();
    });
  }

  test("data routes refuse a signed-out caller", async ({ request }) => {
    for (const path of [
      "/api/work-items/1/timeline",
      "/api/work-items/1/timeline?format=csv",
      "/api/work-items/1/revision",
      "/api/syncs/1",
      "/api/syncs/export.csv",
      "/api/v1/work-items/1",
    ]) {
      const res = await request.get(path, { maxRedirects: 0 });
      expect(res.status(), path).toBe(401);
    }
    const create = await request.post("/api/v1/work-items", {
      data: { title: "x", customerName: "y", device: "z" },
      maxRedirects: 0,
    });
    expect(create.status()).toBe(401);
  });

  test("a technician cannot export the sync explorer; health answers without a session, metrics not", async ({
    browser,
    request,
  }) => {
    const technician = await pageAs(browser, "technician");
    const res = await technician.request.get("/api/syncs/export.csv", { maxRedirects: 0 });
    expect(res.status()).toBe(403);
    await technician.context().close();
    expect((await request.get("/api/health")).status()).toBe(200);
    expect((await request.get("/api/ready")).status()).toBe(200);
    // The e2e server sets no METRICS_TOKEN: the endpoint is off, never open.
    expect((await request.get("/api/metrics")).status()).toBe(404);
  });
});
