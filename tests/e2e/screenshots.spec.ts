import type { Page } from "@playwright/test";
import { elementsWiderThanViewport, expect, snapshot, test } from "./fixtures";
import { pageAs } from "./session-cache";

/** Every page of the delivery features at desktop and phone size, kept as artifacts (test-results/screenshots). */
const VIEWPORTS = [
  { name: "1280", width: 1280, height: 800 },
  { name: "390", width: 390, height: 844 },
] as const;

const pages = (workItem: string, sync: string): { name: string; path: string; heading: RegExp }[] => [
  { name: "dashboard", path: "/", heading: /Hello/ },
  { name: "work-items", path: "/work-items", heading: /Work items/ },
  { name: "work-item-new", path: "/work-items/new", heading: /New work item/ },
  { name: "work-item-timeline", path: workItem, heading: /RMA-\d{6}/ },
  { name: "syncs", path: "/syncs", heading: /Syncs/ },
  { name: "syncs-by-object", path: "/syncs?view=objects", heading: /Syncs/ },
  { name: "sync-detail", path: sync, heading: /Sync \d+/ },
  { name: "integrations", path: "/integrations", heading: /Integrations/ },
  { name: "integration-new", path: "/integrations/new", heading: /New integration/ },
  { name: "integration-detail", path: "/integrations/1", heading: /demo-receiver/ },
  { name: "users", path: "/admin/users", heading: /Users/ },
  { name: "audit", path: "/admin/audit", heading: /Audit log/ },
];

/** A work item with a settled delivery, so every page has something to show. */
async function prepare(page: Page): Promise<{ workItem: string; sync: string }> {
  await page.goto("/work-items/new");
  await page.getByLabel("Title", { exact: true }).fill("Screenshot: hinge replacement");
  await page.getByLabel("Device", { exact: true }).fill("ThinkPad X1");
  await page.getByLabel("Customer name", { exact: true }).fill("Screenshot Customer");
  await page.getByLabel("Price").fill("210");
  await page.getByRole("button", { name: "Create work item" }).click();
  await expect(page).toHaveURL(/\/work-items\/\d+/);
  const workItem = new URL(page.url()).pathname;
  await page.getByLabel("Price").fill("189.90");
  await page.getByRole("combobox", { name: "Status" }).selectOption({ label: "In progress" });
  await page.getByRole("button", { name: "Save changes" }).click();
  const timeline = page.getByRole("region", { name: "Sync timeline" });
  const save = timeline.getByRole("article", { name: /updated the work item/ });
  const demo = save.getByRole("button", { name: /demo-receiver/ });
  await expect(demo).toHaveCount(2);
  await expect(demo.getByText("Synced")).toHaveCount(2, { timeout: 20_000 });
  await page.goto("/syncs");
  const sync = await page
    .getByRole("link", { name: /^Sync \d+/ })
    .first()
    .getAttribute("href");
  return { workItem, sync: sync ?? "/syncs/1" };
}

for (const viewport of VIEWPORTS) {
  test(`screenshots at ${viewport.width}×${viewport.height}`, async ({ browser }) => {
    test.setTimeout(120_000);
    const page = await pageAs(browser, "admin", viewport);
    const { workItem, sync } = await prepare(page);
    for (const p of pages(workItem, sync)) {
      await page.goto(p.path);
      await expect(page.getByRole("heading", { level: 1 })).toContainText(p.heading);
      // Nothing still loading when the picture is taken.
      await expect(page.locator('[aria-busy="true"]'), `${p.path} still loading`).toHaveCount(0, {
        timeout: 20_000,
      });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${p.path} scrolls sideways at ${viewport.width}px`).toBeLessThanOrEqual(0);
      expect(
        await elementsWiderThanViewport(page),
        `${p.path}: nothing past the right edge at ${viewport.width}px`,
      ).toEqual([]);
      await snapshot(page, `${p.name}-${viewport.name}`);
    }
  });
}
