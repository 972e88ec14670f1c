import type { Page } from "@playwright/test";
import { type DemoRole, expect, test } from "./fixtures";
import { pageAs } from "./session-cache";

const DESK = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

const pagination = (page: Page) => page.getByRole("navigation", { name: "Pagination" });

/** The list's total, read off its first page ("Showing 1–20 of 49"); a fresh server's seed is still delivering. */
async function totalOf(page: Page, path: string): Promise<number> {
  let total = 0;
  await expect(async () => {
    await page.goto(path);
    const text = (await pagination(page).getByRole("paragraph").textContent()) ?? "";
    total = Number(/^Showing .* of\s+([\d,]+)$/.exec(text)?.[1]?.replace(/,/g, "") ?? 0);
    expect(total, `${path}: ${text}`).toBeGreaterThan(0);
  }).toPass({ timeout: 30_000 });
  return total;
}

test.describe("a page past the end of a list says so and leads to the last page", () => {
  const LISTS = [
    { name: "work items", path: "/work-items", pageSize: 20, pageOf: (n: number) => `/work-items?page=${n}` },
    { name: "syncs explorer", path: "/syncs", pageSize: 25, pageOf: (n: number) => `/syncs?page=${n}` },
    {
      name: "syncs by work item",
      path: "/syncs?view=objects",
      pageSize: 25,
      pageOf: (n: number) => `/syncs/objects?page=${n}`,
    },
  ];
  for (const list of LISTS) {
    test(list.name, async ({ browser }) => {
      const page = await pageAs(browser, "manager");
      const total = await totalOf(page, list.path);
      const pages = Math.ceil(total / list.pageSize);

      await page.goto(list.pageOf(500));
      const nav = pagination(page);
      await expect(nav.getByRole("paragraph")).toHaveText(
        `Page 500 is past the end — there ${pages === 1 ? "is 1 page" : `are ${pages} pages`}`,
      );
      await expect(nav).not.toContainText("Showing");
      await expect(nav).not.toContainText(/Page \d+ of/);
      // Next goes nowhere; Previous goes to the last page, not to page 499.
      await expect(nav.getByRole("link", { name: "Next" })).toHaveCount(0);
      const previous = await nav.getByRole("link", { name: "Previous" }).getAttribute("href");
      const lastPage = pages === 1 ? null : String(pages);
      expect(new URL(previous ?? "", page.url()).searchParams.get("page")).toBe(lastPage);

      await expect(page.getByText("Page 500 is past the end", { exact: true })).toBeVisible();
      await page.getByRole("link", { name: "Go to the last page" }).click();
      await expect.poll(() => new URL(page.url()).searchParams.get("page")).toBe(lastPage);
      const first = (pages - 1) * list.pageSize + 1;
      await expect(nav.getByText(/^Showing/)).toHaveText(`Showing ${first}–${total} of ${total}`);
      await expect(nav.getByText(`Page ${pages} of ${pages}`)).toBeVisible();
      await expect(nav.getByRole("link", { name: "Next" })).toHaveCount(0);
      await page.context().close();
    });
  }
});

test.describe("unknown and refused addresses answer real status codes with the app's own pages", () => {
  async function expectShell(page: Page) {
    await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Go to the dashboard" })).toBeVisible();
  }

  test("404 for unknown ids and addresses, inside the shell, with a way back", async ({ browser }) => {
    const page = await pageAs(browser, "admin");
    for (const [path, back] of [
      ["/syncs/99999", "Back to syncs"],
      ["/syncs/not-an-id", "Back to syncs"],
      ["/work-items/99999999", "Back to work items"],
      ["/integrations/99999", "Back to integrations"],
      ["/no-such-page", null],
    ] as const) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(404);
      await expect(page.getByRole("heading", { level: 1 }), path).toHaveText("This page doesn’t exist");
      await expect(page.getByRole("main")).toContainText(path);
      await expectShell(page);
      await expect(page).toHaveTitle("Page not found · Fixed Service");
      if (back) await expect(page.getByRole("link", { name: back })).toBeVisible();
    }
    await page.getByRole("link", { name: "Go to the dashboard" }).click();
    await expect(page).toHaveURL(/\/$/);
    await page.context().close();
  });

  test("a technician's unknown sync offers no way into the manager's explorer", async ({ browser }) => {
    const page = await pageAs(browser, "technician");
    const response = await page.goto("/syncs/99999");
    expect(response?.status()).toBe(404);
    await expectShell(page);
    await expect(page.getByRole("link", { name: "Back to syncs" })).toHaveCount(0);
    await page.context().close();
  });

  test("403 in place, inside the shell, for a role too low", async ({ browser }) => {
    const cases: [DemoRole, string, string][] = [
      ["technician", "/syncs", "Manager"],
      ["technician", "/syncs/objects", "Manager"],
      ["manager", "/integrations", "Admin"],
      ["manager", "/integrations/1", "Admin"],
      ["manager", "/integrations/new", "Admin"],
      ["manager", "/admin/users", "Admin"],
    ];
    for (const role of ["technician", "manager"] as const) {
      const page = await pageAs(browser, role);
      for (const [, path, need] of cases.filter(([r]) => r === role)) {
        const response = await page.goto(path);
        expect(response?.status(), `${path} as ${role}`).toBe(403);
        expect(new URL(page.url()).pathname).toBe(path);
        await expect(page.getByRole("heading", { level: 1 })).toHaveText(
          "You don’t have access to this page",
        );
        await expect(page.getByRole("main")).toContainText(`${path} needs the ${need} role`);
        await expect(page).toHaveTitle("No access · Fixed Service");
        await expectShell(page);
      }
      await page.context().close();
    }
  });

  test("an unknown API address is a JSON 404, not a page", async ({ request }) => {
    const response = await request.get("/api/no-such-route", { maxRedirects: 0 });
    expect(response.status()).toBe(404);
    expect(await response.json()).toEqual({ error: "No such API route" });
  });
});

/** Every page an admin can open, with its title (the seed guarantees ids 1; sync 1 after its first delivery). */
const TITLES: [string, string | RegExp][] = [
  ["/", "Dashboard · Fixed Service"],
  ["/work-items", "Work items · Fixed Service"],
  ["/work-items/new", "New work item · Work items · Fixed Service"],
  ["/work-items/1", /^RMA-\d{6} · Work items · Fixed Service$/],
  ["/syncs", "Syncs · Fixed Service"],
  ["/syncs?view=objects", "By work item · Syncs · Fixed Service"],
  ["/syncs/1", /^Sync 1 · RMA-\d{6} · Syncs · Fixed Service$/],
  ["/integrations", "Integrations · Fixed Service"],
  ["/integrations/new", "New integration · Integrations · Fixed Service"],
  ["/integrations/1", /^\S.* · Integrations · Fixed Service$/],
  ["/admin/users", "Users · Fixed Service"],
  ["/admin/audit", "Audit log · Fixed Service"],
  ["/demo-receiver", "Demo receiver · Fixed Service"],
];

test("every page has its own title, and the app its icon", async ({ browser }) => {
  const page = await pageAs(browser, "admin");
  await expect.poll(async () => (await page.request.get("/syncs/1")).status(), { timeout: 30_000 }).toBe(200);
  const seen = new Set<string>();
  for (const [path, title] of TITLES) {
    await page.goto(path);
    await expect(page, path).toHaveTitle(title);
    seen.add(await page.title());
  }
  expect(seen.size, "no two pages share a title").toBe(TITLES.length);
  const icon = page.locator('head link[rel="icon"]');
  await expect(icon).toHaveAttribute("type", "image/svg+xml");
  const response = await page.request.get((await icon.getAttribute("href")) ?? "");
  expect(response.status()).toBe(200);
  expect(await response.text()).toContain("<svg");
  await page.context().close();
  const signedOut = await browser.newPage();
  await signedOut.goto("/sign-in");
  await expect(signedOut).toHaveTitle("Sign in · Fixed Service");
  await signedOut.close();
});

test("no page writes a plural as “(s)”", async ({ browser }) => {
  for (const viewport of [DESK, PHONE]) {
    const page = await pageAs(browser, "admin", viewport);
    for (const [path] of TITLES) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      // Streamed sections (the dashboard's) are in before the text is read.
      await expect(page.locator('[aria-busy="true"][role="status"]')).toHaveCount(0);
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what is checked (not scripts' text)
      expect(await page.locator("body").innerText(), path).not.toMatch(/\w\(s\)/);
    }
    await page.context().close();
  }
});

test.describe("the dashboard ends where its content ends", () => {
  for (const viewport of [DESK, PHONE]) {
    test(`at ${viewport.width}×${viewport.height}`, async ({ browser }) => {
      const page = await pageAs(browser, "manager", viewport);
      await page.goto("/");
      await expect(page.getByRole("table", { name: "Syncs per hour by status" })).toBeAttached();
      await expect(page.getByRole("heading", { name: "Recent failures" })).toBeVisible();
      const { scrollHeight, contentBottom } = await page.evaluate(() => ({
        scrollHeight: document.documentElement.scrollHeight,
        contentBottom: Math.ceil(
          (document.querySelector("main")?.getBoundingClientRect().bottom ?? 0) + window.scrollY,
        ),
      }));
      // The page scrolls no further than its main column (which fills at least the viewport).
      expect(scrollHeight).toBeLessThanOrEqual(contentBottom + 1);
      await page.context().close();
    });
  }
});

test("filter forms put only the filters that are set in the URL", async ({ browser }) => {
  const page = await pageAs(browser, "manager");
  await page.goto("/work-items");
  await page.getByRole("searchbox", { name: "Search" }).fill("RMA");
  await page.getByRole("button", { name: "Search" }).click();
  await expect.poll(() => new URL(page.url()).search).toBe("?q=RMA");

  await page.goto("/syncs?integration=");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect.poll(() => new URL(page.url()).search).toBe("");
  await page.getByRole("searchbox", { name: "Work item or object" }).fill("RMA-000001");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect.poll(() => new URL(page.url()).search).toBe("?object=RMA-000001");
  await page.context().close();
});
