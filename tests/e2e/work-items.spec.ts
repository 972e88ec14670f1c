import type { Browser, Page } from "@playwright/test";
import { expect, signIn, snapshot, test } from "./fixtures";

const unique = () => Math.random().toString(36).slice(2, 8);

async function createWorkItem(page: Page, title: string, serial = `SN-${unique()}`): Promise<string> {
  await page.goto("/work-items");
  await page.getByRole("link", { name: "New work item" }).first().click();
  await expect(page.getByRole("heading", { name: "New work item" })).toBeVisible();
  await page.getByLabel("Title", { exact: true }).fill(title);
  await page.getByLabel("Device", { exact: true }).fill("iPhone 13");
  await page.getByLabel("Serial number").fill(serial);
  await page.getByLabel("Customer name", { exact: true }).fill("Playwright Customer");
  await page.getByLabel("Customer e-mail").fill("pw@example.com");
  await page.getByLabel("Price").fill("120");
  await page.getByRole("button", { name: "Create work item" }).click();
  await expect(page).toHaveURL(/\/work-items\/\d+/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(title);
  return new URL(page.url()).pathname;
}

const revision = (page: Page, n: number) =>
  expect(page.getByText(`Revision ${n}`, { exact: true })).toBeVisible();

test.describe("work items", () => {
  test("create an item, edit it twice and change its status", async ({ page }) => {
    await signIn(page, "technician");
    const title = `Swollen battery ${unique()}`;
    const serial = `SN-${unique()}`;
    const path = await createWorkItem(page, title, serial);
    await expect(page.getByRole("status").filter({ hasText: /created/ })).toBeVisible();
    await revision(page, 1);

    await page.getByLabel("Title", { exact: true }).fill(`${title} and cracked glass`);
    await page.getByRole("button", { name: "Save changes" }).click();
    await revision(page, 2);
    await expect(page.getByText("Saved", { exact: true }).first()).toBeVisible();

    await page.getByLabel("Price").fill("95.5");
    await page.getByRole("combobox", { name: "Priority" }).selectOption({ label: "Express" });
    await page.getByRole("button", { name: "Save changes" }).click();
    await revision(page, 3);
    await expect(page.getByLabel("Price")).toHaveValue("95.50");

    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByText(/No changes/)).toBeVisible();
    await revision(page, 3);

    await page.getByRole("button", { name: "Move to Resolved" }).click();
    await revision(page, 4);
    await expect(page.getByRole("combobox", { name: "Status" })).toHaveValue("resolved");
    await expect(page.getByRole("button", { name: "Move to Resolved" })).toHaveCount(0);

    await page.reload();
    await expect(page.getByLabel("Title", { exact: true })).toHaveValue(`${title} and cracked glass`);
    await revision(page, 4);

    await page.goto("/work-items");
    await page.getByLabel("Search").fill(serial.toLowerCase());
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(/q=/);
    const row = page.getByRole("row").filter({ hasText: title });
    await expect(row).toHaveCount(1);
    await expect(row.getByRole("link")).toHaveAttribute("href", path);
  });

  test("shows validation errors beside the fields and keeps what was typed", async ({ page }) => {
    await signIn(page, "technician", "/work-items/new");
    await page.getByLabel("Title", { exact: true }).fill("Keep this title");
    await page.getByLabel("Customer e-mail").fill("not-an-email");
    await page.getByLabel("Price").fill("12.345");
    await page.getByLabel("Customer name", { exact: true }).fill("Typed Customer");
    await page.getByRole("button", { name: "Create work item" }).click();

    await expect(page.getByLabel("Device", { exact: true })).toHaveAccessibleDescription(
      /Device is required/,
    );
    await expect(page.getByLabel("Customer e-mail")).toHaveAccessibleDescription(/valid e-mail/);
    await expect(page.getByLabel("Price")).toHaveAccessibleDescription(/at most two decimals/);
    await expect(page.getByLabel("Device", { exact: true })).toHaveAttribute("aria-invalid", "true");
    // Focus goes to the first field to fix.
    await expect(page.getByLabel("Device", { exact: true })).toBeFocused();
    await expect(page.getByText("Please fix the highlighted fields.")).toBeVisible();

    await expect(page.getByLabel("Title", { exact: true })).toHaveValue("Keep this title");
    await expect(page.getByLabel("Customer name", { exact: true })).toHaveValue("Typed Customer");
    await expect(page.getByLabel("Customer e-mail")).toHaveValue("not-an-email");
    await expect(page.getByLabel("Price")).toHaveValue("12.345");
    await expect(page).toHaveURL(/\/work-items\/new$/);

    await page.getByLabel("Device", { exact: true }).fill("Pixel 8");
    await page.getByLabel("Customer e-mail").fill("");
    await page.getByLabel("Price").fill("12.34");
    await page.getByRole("button", { name: "Create work item" }).click();
    await expect(page).toHaveURL(/\/work-items\/\d+/);
  });

  test("a second open page follows someone else's save without a reload and says who saved", async ({
    browser,
    page,
  }) => {
    await signIn(page, "technician");
    const title = `Live check ${unique()}`;
    const path = await createWorkItem(page, title);

    const other = await newSignedInPage(browser, "manager");
    await other.goto(path);
    await revision(other, 1);

    await page.getByLabel("Title", { exact: true }).fill(`${title} (first)`);
    await page.getByRole("button", { name: "Save changes" }).click();
    await revision(page, 2);

    // Nothing typed on the other page: it shows the new values by itself, and who saved them.
    await expect(other.getByLabel("Title", { exact: true })).toHaveValue(`${title} (first)`, {
      timeout: 15_000,
    });
    await revision(other, 2);
    await expect(other.getByText("Tess Technician saved revision 2")).toBeVisible();
    await expect(other.getByText(/Updated .* by Tess Technician/)).toBeVisible();
    await other.context().close();
  });

  test("a stale save shows their changes beside yours, keeps what you typed, and saves both on top", async ({
    browser,
    page,
  }) => {
    await signIn(page, "technician");
    const title = `Stale check ${unique()}`;
    const path = await createWorkItem(page, title);

    const other = await newSignedInPage(browser, "manager");
    await other.goto(path);
    await revision(other, 1);
    // The manager starts typing before the technician saves.
    await other.getByLabel("Customer name", { exact: true }).fill("Second Browser");
    await other.getByLabel("Title", { exact: true }).fill(`${title} (manager)`);

    await page.getByLabel("Title", { exact: true }).fill(`${title} (technician)`);
    // Typed the shop's way, with a decimal comma.
    await page.getByLabel("Price").fill("99,50");
    await page.getByRole("button", { name: "Save changes" }).click();
    await revision(page, 2);

    // Told, not overwritten: what the manager typed stays.
    await expect(other.getByText("Tess Technician saved revision 2 while you were typing")).toBeVisible({
      timeout: 15_000,
    });
    await expect(other.getByLabel("Customer name", { exact: true })).toHaveValue("Second Browser");

    await other.getByRole("button", { name: "Save changes" }).click();
    const panel = other.getByText(/Not saved: Tess Technician saved revision 2/).locator("xpath=../..");
    await expect(panel).toBeVisible();
    const rows = panel.getByRole("table", { name: "Their changes beside yours" }).getByRole("row");
    await expect(rows.filter({ hasText: "Title" })).toContainText(`${title} (technician)`);
    await expect(rows.filter({ hasText: "Title" })).toContainText(`${title} (manager)`);
    await expect(rows.filter({ hasText: "Price" })).toContainText("99.50");
    await expect(rows.filter({ hasText: "Price" })).toContainText("not changed by you");
    // The form now holds theirs where the manager did not type, the manager's where they did.
    await expect(other.getByLabel("Price")).toHaveValue("99.50");
    await expect(other.getByLabel("Title", { exact: true })).toHaveValue(`${title} (manager)`);
    await expect(other.getByLabel("Customer name", { exact: true })).toHaveValue("Second Browser");
    await snapshot(other, "work-item-conflict-1280");

    await other.getByRole("button", { name: "Save changes" }).click();
    await revision(other, 3);
    await other.reload();
    await expect(other.getByLabel("Title", { exact: true })).toHaveValue(`${title} (manager)`);
    await expect(other.getByLabel("Customer name", { exact: true })).toHaveValue("Second Browser");
    await expect(other.getByLabel("Price")).toHaveValue("99.50");
    // Shown in the shop's currency (SHOP_CURRENCY, EUR by default).
    await expect(other.getByLabel("Price (EUR)")).toHaveValue("99.50");
    await expect(other.getByRole("definition").filter({ hasText: "€99.50" })).toHaveCount(1);
    await other.context().close();
  });

  test("tasks can be added, renamed and ticked", async ({ page }) => {
    await signIn(page, "technician");
    await createWorkItem(page, `Tasks ${unique()}`);
    await page.getByLabel("New task").fill("Order screen");
    await page.getByRole("button", { name: "Add task" }).click();
    await expect(page.getByRole("checkbox", { name: "Order screen" })).toBeVisible();
    await expect(page.getByLabel("New task")).toHaveValue("");

    await page.getByRole("button", { name: "Rename task Order screen" }).click();
    await page.getByLabel("Task title").fill("Order OEM screen");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    const task = page.getByRole("checkbox", { name: "Order OEM screen" });
    await expect(task).toBeVisible();
    // The rename's round trip (action result + refreshed page) is over once it confirms.
    await expect(page.getByText("Task saved")).toBeVisible();

    await task.check();
    await expect(task).toBeChecked();
    await expect(page.getByText("1 of 1 done")).toBeVisible();
    await revision(page, 1);
  });

  test("the list keeps search, filters, sort and page in the URL", async ({ page }) => {
    await signIn(page, "technician", "/work-items");
    await page.getByRole("checkbox", { name: "In progress" }).check();
    // A tick applies at once once the page is interactive; the button also works before that.
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(/status=in_progress/);
    await page.getByRole("button", { name: "Customer" }).click();
    await expect(page).toHaveURL(/sort=customer/);
    await expect(page.getByRole("columnheader", { name: "Customer" })).toHaveAttribute(
      "aria-sort",
      /ascending|descending/,
    );
    await page.reload();
    await expect(page.getByRole("checkbox", { name: "In progress" })).toBeChecked();
    const statuses = page.getByRole("table", { name: "Work items" }).getByText(/^(New|Resolved|Closed)$/);
    await expect(statuses).toHaveCount(0);

    await page.getByLabel("Search").fill("no such repair anywhere");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page.getByText("No work items match")).toBeVisible();
    await page.getByRole("link", { name: "Clear filters" }).first().click();
    await expect(page).toHaveURL(/\/work-items$/);
  });
});

async function newSignedInPage(browser: Browser, role: "technician" | "manager" | "admin"): Promise<Page> {
  const context = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const page = await context.newPage();
  await signIn(page, role);
  return page;
}
