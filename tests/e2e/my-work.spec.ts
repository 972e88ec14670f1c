import { DEMO_USERS, expect, snapshot, test } from "./fixtures";
import { pageAs } from "./session-cache";

test.describe("home", () => {
  test("a technician lands on their own work: a new express repair of theirs comes first, waiting for parts and the last change follow it", async ({
    browser,
  }) => {
    const page = await pageAs(browser, "technician");
    const title = `Home: loose charging port ${Date.now()}`;
    await page.goto("/work-items/new");
    await page.getByLabel("Title", { exact: true }).fill(title);
    await page.getByLabel("Device", { exact: true }).fill("MacBook Air");
    await page.getByLabel("Customer name", { exact: true }).fill("Home Customer");
    await page.getByRole("combobox", { name: "Priority" }).selectOption({ label: "Express" });
    await page
      .getByRole("combobox", { name: "Technician" })
      .selectOption({ label: DEMO_USERS.technician.name });
    await page.getByRole("button", { name: "Create work item" }).click();
    await expect(page).toHaveURL(/\/work-items\/\d+/);
    const itemPath = new URL(page.url()).pathname;

    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(
      `Hello, ${DEMO_USERS.technician.name.split(" ")[0]}`,
    );
    await expect(
      page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My work" }),
    ).toHaveAttribute("aria-current", "page");
    // Not the delivery dashboard.
    await expect(page.getByRole("img", { name: /Syncs per hour/ })).toHaveCount(0);
    const assigned = page.getByRole("region", { name: /Assigned to you/ });
    await expect(assigned.getByRole("listitem").first()).toContainText(title);
    await expect(assigned.getByRole("listitem").first()).toContainText("Express");
    const recent = page.getByRole("region", { name: /Recently changed/ });
    await expect(recent.getByRole("listitem").first()).toContainText(title);
    await expect(recent.getByRole("listitem").first()).toContainText(DEMO_USERS.technician.name);
    const waiting = page.getByRole("region", { name: /Waiting for parts/ });
    await expect(waiting.getByRole("listitem").filter({ hasText: title })).toHaveCount(0);

    // It now waits for parts: it shows in that list too.
    await page.goto(itemPath);
    await page.getByRole("combobox", { name: "Status" }).selectOption({ label: "Waiting for parts" });
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByText("Saved", { exact: true }).first()).toBeVisible();
    await page.goto("/");
    await expect(waiting.getByRole("listitem").filter({ hasText: title })).toHaveCount(1);

    // Each entry opens its item.
    await assigned.getByRole("listitem").filter({ hasText: title }).getByRole("link").click();
    await expect(page).toHaveURL(itemPath);
    await page.goto("/");
    await snapshot(page, "home-technician-1280");
  });

  test("the technician's home reads on a phone without sideways scroll", async ({ browser }) => {
    const page = await pageAs(browser, "technician", { width: 390, height: 844 });
    await page.goto("/");
    await expect(page.getByRole("region", { name: /Assigned to you/ })).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await snapshot(page, "home-technician-390");
  });

  test("managers land on the delivery dashboard", async ({ browser }) => {
    const page = await pageAs(browser, "manager");
    await page.goto("/");
    await expect(page.getByRole("img", { name: /Syncs per hour/ })).toBeVisible();
    await expect(page.getByRole("link", { name: "Sync explorer" })).toBeVisible();
    await expect(
      page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Dashboard" }),
    ).toHaveAttribute("aria-current", "page");
    await expect(page.getByRole("region", { name: /Assigned to you/ })).toHaveCount(0);
  });
});

test("the dashboard's chart labels stay readable on a phone", async ({ browser }) => {
  for (const viewport of [
    { width: 390, height: 844 },
    { width: 1280, height: 800 },
  ]) {
    const page = await pageAs(browser, "manager", viewport);
    await page.goto("/");
    const chart = page.getByRole("img", { name: /Syncs per hour/ });
    await expect(chart).toBeVisible();
    // Each hour label's rendered height: the drawing scales with its box, its text with it.
    const heights = await chart
      .locator("text")
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
    expect(heights.length).toBeGreaterThan(4);
    expect(Math.min(...heights), `labels at ${viewport.width}px`).toBeGreaterThanOrEqual(10);
    await page.context().close();
  }
});
